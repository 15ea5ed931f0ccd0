"""Tokenise once, featurise fast: the arrays both estimators learn from.

Creating a Python object per token is what makes spaCy pipelines slow in Python
code, so themeclass reads each ``Doc`` once into numpy arrays (lower-case token
hashes, character offsets, sentence starts) plus the keyword-rule matches, and
builds TF-IDF features from those arrays with vectorised numpy. The hashes are
spaCy's 64-bit string hashes, stable across runs and machines, so a model trained
today reads tomorrow's text the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from spacy.attrs import IDX, IS_LOWER, LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc

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
        with np.errstate(over="ignore"):
            parts.append((lower[:-1] * _BIGRAM_MULT) ^ lower[1:])
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

    def transform(self, token_arrays: Sequence[np.ndarray] | None, grams: Sequence[np.ndarray] | None = None) -> sp.csr_matrix:
        """TF-IDF rows; pass ``grams`` (n-gram hashes per row) if already computed."""
        if grams is None:
            grams = [ngrams(t, self.ngram_range) for t in token_arrays]
        n_rows, n_cols = len(grams), len(self.vocabulary_)
        if n_rows == 0 or n_cols == 0:
            return sp.csr_matrix((n_rows, n_cols))
        rows = np.repeat(np.arange(n_rows), [len(g) for g in grams])
        allg = np.concatenate(grams)
        col = np.searchsorted(self.vocabulary_, allg)
        col[col >= n_cols] = 0
        known = self.vocabulary_[col] == allg
        m = sp.csr_matrix((np.ones(int(known.sum())), (rows[known], col[known])), shape=(n_rows, n_cols))
        m.sum_duplicates()
        m.data = (1.0 + np.log(m.data)) * self.idf_[m.indices]
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ m)

    def fit_transform(self, token_arrays: Sequence[np.ndarray]) -> sp.csr_matrix:
        return self.fit(token_arrays).transform(token_arrays)


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


#: The rule-match labels the theme classifier counts, in a fixed order.
RULE_LABELS = (
    "theme:risk_response", "theme:supervision", "theme:permanence", "theme:care_leavers", "theme:sufficiency",
    "hedge:negative", "hedge:positive", "hedge:mixed", "recurrence:recurring",
)


def theme_features(units: Sequence[Prepared], tfidf: HashTfidf, rule_weight: float) -> sp.csr_matrix:
    """Theme-classifier features: TF-IDF of the unit's words, then its rule-match counts."""
    words = tfidf.transform(None, [u.ngrams(tfidf.ngram_range) for u in units])
    rules = sp.csr_matrix(count_matrix(units, RULE_LABELS) * rule_weight)
    return sp.hstack([words, rules], format="csr")


class Preparer:
    """Turns texts (or Docs) into :class:`~themeclass.features.Prepared` units, once.

    The spaCy pipeline is built lazily from ``patterns``/``spacy_model`` and never
    pickled with the estimator.
    """

    def _nlp(self):
        nlp = getattr(self, "_nlp_cache", None)
        if nlp is None:
            patterns = load_patterns() if self.patterns is None else self.patterns
            nlp = make_nlp(self.spacy_model, patterns)
            self._nlp_cache = nlp
        return nlp

    def prepare(self, X: Iterable) -> list[Prepared]:
        nlp = self._nlp()
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
