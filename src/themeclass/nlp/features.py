"""Tokenise once, featurise fast: the arrays both estimators learn from.

Creating a Python object per token is what makes spaCy pipelines slow in Python
code, so themeclass reads each ``Doc`` once into numpy arrays (lower-case token
hashes, character offsets, sentence starts) plus the keyword-rule matches, and
builds TF-IDF features from those arrays with vectorised numpy. The hashes are
spaCy's 64-bit string hashes, stable across runs and machines, so a model trained
today reads tomorrow's text the same way.

Features are kept as :class:`Features` blocks: a loaded model scores them with
numpy alone (``Features.scores``), and only training builds a scipy matrix
(``Features.tocsr``), so predicting neither imports scipy nor builds one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
from spacy.attrs import IDX, IS_LOWER, LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc

from ..codebook import RULE_LABELS
from .rules import load_patterns, make_nlp

_TERMINALS = np.array([hash_string(p) for p in (".", "!", "?")], dtype=np.uint64)
_BIGRAM_MULT = np.uint64(0x9E3779B97F4A7C15)


@dataclass
class Prepared:
    """A unit's text read once: token hashes, sentence starts and rule matches."""

    doc: Doc
    lower: np.ndarray  # uint64 hash of each token's lower-case form
    is_lower: np.ndarray  # whether each token is lower case (for sentence ends)
    matches: list[tuple[str, int, int]]  # (kind:label, start token, end token)
    idx: np.ndarray  # character offset of each token in text
    text: str  # the unit's text (``doc.text`` rebuilds it token by token: slow)

    def sentences(self) -> list[tuple[int, int]]:
        """Token ranges of the sentences (computed when first needed, then kept)."""
        cached = self.__dict__.get("_sentences")
        if cached is None:
            starts = sentence_starts(self.doc, self.lower, self.is_lower).tolist()
            cached = self.__dict__["_sentences"] = list(zip(starts, starts[1:] + [len(self.lower)]))
        return cached

    def ngrams(self, ngram_range: tuple[int, int], ranges: Sequence[tuple[int, int]] | None = None) -> np.ndarray:
        """N-gram hashes of the whole unit, or of some token ranges of it (no n-gram spans two ranges)."""
        key = ("_ngrams", tuple(ngram_range))
        whole = self.__dict__.get(key)
        if whole is None:
            whole = self.__dict__[key] = (ngrams(self.lower, ngram_range), ngram_range[0] <= 1 <= ngram_range[1])
        grams, has_unigrams = whole
        if ranges is None or (len(ranges) == 1 and ranges[0] == (0, len(self.lower))):
            return grams
        n = len(self.lower)
        parts = []
        for a, b in ranges:
            if has_unigrams:
                parts.append(grams[a:b])
            if ngram_range[1] >= 2 and b - a > 1:
                offset = n if has_unigrams else 0
                parts.append(grams[offset + a : offset + b - 1])
        return np.concatenate(parts) if parts else grams[:0]

    def text_of(self, start: int, end: int) -> str:
        text = self.text
        stop = int(self.idx[end]) if end < len(self.idx) else len(text)
        return text[int(self.idx[start]) if start < len(self.idx) else stop : stop].strip()


def sentence_starts(doc: Doc, lower: np.ndarray, is_lower: np.ndarray) -> np.ndarray:
    """Sentence starts: from the pipeline when it sets them, else after . ! ? not followed by lower case."""
    n = len(doc)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if doc.has_annotation("SENT_START"):
        return np.array([s.start for s in doc.sents], dtype=np.int64)
    terminal = (lower == _TERMINALS[0]) | (lower == _TERMINALS[1]) | (lower == _TERMINALS[2])
    boundary = terminal[:-1] & ~is_lower[1:]
    return np.concatenate([[0], np.flatnonzero(boundary) + 1]).astype(np.int64)


def prepare(doc: Doc, match, text: str | None = None) -> Prepared:
    """Read a doc into arrays; ``match(doc)`` gives its rule matches; ``text`` is ``doc.text`` if known."""
    arrays = doc.to_array([LOWER, IDX, IS_LOWER]) if len(doc) else np.zeros((0, 3), dtype=np.uint64)
    arrays = arrays.reshape(-1, 3)
    return Prepared(doc, arrays[:, 0].astype(np.uint64), arrays[:, 2].astype(bool), match(doc),
                    arrays[:, 1].astype(np.int64), doc.text if text is None else text)


def ngrams(lower: np.ndarray, ngram_range: tuple[int, int]) -> np.ndarray:
    """Hashes of the unigrams and (if asked) bigrams of a token-hash array."""
    parts = []
    if ngram_range[0] <= 1 <= ngram_range[1]:
        parts.append(lower)
    if ngram_range[0] <= 2 <= ngram_range[1] and len(lower) > 1:
        parts.append((lower[:-1] * _BIGRAM_MULT) ^ lower[1:])  # wraps modulo 2**64; numpy arrays never warn
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


class HashTfidf:
    """TF-IDF over token-hash n-grams: sublinear tf, smooth idf, l2-normalised rows
    (the choices of scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``)."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df

    def fit(self, token_arrays: Sequence[np.ndarray], grams: Sequence[np.ndarray] | None = None) -> "HashTfidf":
        """Learn the vocabulary and idf; pass ``grams`` (n-gram hashes per row) if already computed."""
        if grams is None:
            grams = [ngrams(t, self.ngram_range) for t in token_arrays]
        grams = [np.unique(g) for g in grams]
        allg = np.concatenate(grams) if grams else np.zeros(0, dtype=np.uint64)
        vocab, df = np.unique(allg, return_counts=True)
        keep = df >= self.min_df
        self.vocabulary_ = vocab[keep]
        n = len(grams)
        self.idf_ = np.log((1 + n) / (1 + df[keep])) + 1.0
        return self

    def triples(self, grams: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF rows of n-gram hash arrays as (row, column, value) triples, sorted by row then column."""
        n_rows, n_cols = len(grams), len(self.vocabulary_)
        if n_rows == 0 or n_cols == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
        rows = np.repeat(np.arange(n_rows, dtype=np.int64), [len(g) for g in grams])
        allg = np.concatenate(grams)
        col = np.searchsorted(self.vocabulary_, allg)
        col[col >= n_cols] = 0
        known = self.vocabulary_[col] == allg
        keys, counts = np.unique(rows[known] * n_cols + col[known], return_counts=True)
        rows, col = keys // n_cols, keys % n_cols
        vals = (1.0 + np.log(counts)) * self.idf_[col]
        norms = np.sqrt(np.bincount(rows, vals * vals, minlength=n_rows))
        norms[norms == 0] = 1.0
        return rows, col, vals / norms[rows]

    def transform(self, token_arrays: Sequence[np.ndarray] | None, grams: Sequence[np.ndarray] | None = None) -> "Features":
        """TF-IDF rows; pass ``grams`` (n-gram hashes per row) if already computed."""
        if grams is None:
            grams = [ngrams(t, self.ngram_range) for t in token_arrays]
        return Features(len(grams)).add_sparse(*self.triples(grams), width=len(self.vocabulary_))


class Features:
    """A feature matrix as side-by-side blocks: sparse (row, column, value) triples
    and small dense arrays. ``scores`` computes ``X @ coef.T + intercept`` with
    numpy; ``tocsr`` gives the scipy matrix scikit-learn trains on."""

    def __init__(self, n_rows: int) -> None:
        self.n_rows = n_rows
        self.blocks: list[tuple] = []
        self.width = 0

    def add_sparse(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, width: int, weight: float = 1.0) -> "Features":
        self.blocks.append(("sparse", rows, cols, vals * weight if weight != 1.0 else vals, width))
        self.width += width
        return self

    def add_dense(self, array: np.ndarray, weight: float = 1.0) -> "Features":
        array = np.asarray(array, dtype=float).reshape(self.n_rows, -1)
        self.blocks.append(("dense", array * weight if weight != 1.0 else array, array.shape[1]))
        self.width += array.shape[1]
        return self

    def extend(self, other: "Features", weight: float = 1.0) -> "Features":
        for block in other.blocks:
            if block[0] == "sparse":
                self.add_sparse(*block[1:4], width=block[4], weight=weight)
            else:
                self.add_dense(block[1], weight)
        return self

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_rows, self.width

    def scores(self, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        """``X @ coef.T + intercept`` (n_rows x n_outputs) without building X."""
        coef = np.asarray(coef, dtype=float).reshape(np.size(intercept), self.width)
        z = np.tile(np.asarray(intercept, dtype=float).reshape(1, -1), (self.n_rows, 1))
        offset = 0
        for block in self.blocks:
            if block[0] == "sparse":
                _, rows, cols, vals, width = block
                for k in range(coef.shape[0]):
                    z[:, k] += np.bincount(rows, vals * coef[k, offset + cols], minlength=self.n_rows)
            else:
                _, array, width = block
                z += array @ coef[:, offset : offset + width].T
            offset += width
        return z

    def tocsr(self):
        """The scipy CSR matrix (training only: scipy is imported here, not at prediction)."""
        import scipy.sparse as sp

        parts = []
        for block in self.blocks:
            if block[0] == "sparse":
                _, rows, cols, vals, width = block
                parts.append(sp.csr_matrix((vals, (rows, cols)), shape=(self.n_rows, width)))
            else:
                parts.append(sp.csr_matrix(block[1]))
        if not parts:
            return sp.csr_matrix((self.n_rows, 0))
        return sp.hstack(parts, format="csr")


def count_matrix(prepared: Iterable[Prepared], labels: Sequence[str], ranges: Sequence[list[tuple[int, int]]] | None = None) -> np.ndarray:
    """log(1 + count) of each rule label's matches per unit (optionally only inside token ranges)."""
    index = {label: i for i, label in enumerate(labels)}
    prepared = list(prepared)
    out = np.zeros((len(prepared), len(labels)))
    for row, p in enumerate(prepared):
        spans = ranges[row] if ranges is not None else None
        for label, start, _ in p.matches:
            col = index.get(label)
            if col is not None and (spans is None or any(a <= start < b for a, b in spans)):
                out[row, col] += 1
    return np.log1p(out)


_SECTION_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=4096)
def section_tokens(section: str | None) -> np.ndarray:
    """Hashes of the lower-case words of a section heading (a report has a few dozen: cached)."""
    if not section:
        return np.zeros(0, dtype=np.uint64)
    return np.array([hash_string(w) for w in _SECTION_WORD.findall(section.lower())], dtype=np.uint64)


def theme_features(units: Sequence[Prepared], tfidf: HashTfidf, rule_weight: float,
                   sections: Sequence[str | None] | None = None, section_tfidf: HashTfidf | None = None,
                   section_weight: float = 0.0) -> Features:
    """Theme-classifier features: TF-IDF of the unit's words, its rule-match counts,
    and (scaled by ``section_weight``) TF-IDF of its section heading's words, since
    "The experiences and progress of care leavers" says much of what follows."""
    features = tfidf.transform(None, [u.ngrams(tfidf.ngram_range) for u in units])
    features.add_dense(count_matrix(units, RULE_LABELS), rule_weight)
    if section_weight and section_tfidf is not None:
        sections = list(sections) if sections is not None else [None] * len(units)
        features.extend(section_tfidf.transform(None, [section_tokens(s) for s in sections]), section_weight)
    return features


class Preparer:
    """Turns texts (or Docs) into :class:`~themeclass.features.Prepared` units, once.

    The spaCy pipeline is built lazily from ``patterns``/``spacy_model`` and never
    pickled with the estimator.
    """

    def pipeline(self):
        """The spaCy pipeline (tokenizer and keyword rules), built on first use."""
        nlp = getattr(self, "_nlp_cache", None)
        if nlp is None:
            patterns = load_patterns() if self.patterns is None else self.patterns
            nlp = make_nlp(self.spacy_model, patterns)
            self._nlp_cache = nlp
        return nlp

    def prepare(self, X: Iterable) -> list[Prepared]:
        nlp = self.pipeline()
        rules = nlp.get_pipe("themeclass_rules")
        items = list(X)
        todo = [i for i, x in enumerate(items) if not isinstance(x, (Doc, Prepared))]
        texts = {i: str(items[i]) for i in todo}
        if todo:
            others = [name for name in nlp.pipe_names if name != "themeclass_rules"]
            stream = (texts[i] for i in todo)
            docs = nlp.pipe(stream, disable=["themeclass_rules"]) if others else nlp.tokenizer.pipe(stream)
            for i, doc in zip(todo, docs):
                items[i] = doc
        return [x if isinstance(x, Prepared) else prepare(x, rules.match, texts.get(i)) for i, x in enumerate(items)]

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_nlp_cache", None)
        return state
