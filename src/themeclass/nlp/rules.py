"""Keyword rules as a spaCy pipeline component.

The patterns (theme cue phrases, evaluative hedges such as "not always" or
"robust", and recurrence cues such as "since the last inspection") live in a
JSON Lines file, ``themeclass/data/patterns.jsonl`` by default, one pattern a
line::

    {"kind": "theme", "label": "care_leavers", "pattern": "pathway plan"}

Matches are written to ``doc.spans["themeclass"]`` (the key is configurable) with
span labels ``"<kind>:<label>"``, e.g. ``"theme:care_leavers"``,
``"hedge:negative"``, ``"recurrence:recurring"``. They serve both as features of
the classifier and as the evidence shown to a researcher.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("themeclass_rules")
>>> doc = nlp("Pathway plans are not always updated.")
>>> [(s.text, s.label_) for s in doc.spans["themeclass"]]
[('Pathway plans', 'theme:care_leavers'), ('not always', 'hedge:negative')]
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..codebook import PATTERN_LABELS
from ..errors import ThemeclassError
from ..files import atomic_write, read_jsonl

SPANS_KEY = "themeclass"
PATTERNS_FILE = "patterns.jsonl"


def default_patterns_path() -> Path:
    return Path(str(resources.files("themeclass").joinpath("data", PATTERNS_FILE)))


def load_patterns(path: str | Path | None = None) -> list[dict]:
    """Read patterns from JSON Lines, refusing a bad line with its number: not an
    object with kind, label and pattern, or a kind or label the codebook does not
    know (:data:`themeclass.codebook.PATTERN_LABELS`)."""
    path = Path(path) if path is not None else default_patterns_path()
    patterns = []
    for n, row in read_jsonl(path, "patterns"):
        try:
            kind, label, pattern = row["kind"], row["label"], row["pattern"]
        except (KeyError, TypeError):
            raise ThemeclassError(f"line {n}: not a pattern object with kind, label and pattern", path) from None
        if kind not in PATTERN_LABELS or label not in PATTERN_LABELS[kind]:
            known = ", ".join(f"{k}:{'/'.join(v)}" for k, v in PATTERN_LABELS.items())
            raise ThemeclassError(f"line {n}: unknown kind or label {kind!r}/{label!r} (known: {known})", path)
        if not str(pattern).strip():
            raise ThemeclassError(f"line {n}: empty pattern", path)
        patterns.append({"kind": kind, "label": label, "pattern": str(pattern)})
    return patterns


class ThemeRules:
    """Match cue phrases case-insensitively; put the matches in ``doc.spans``."""

    def __init__(self, vocab, name: str = "themeclass_rules", spans_key: str = SPANS_KEY,
                 patterns: Iterable[dict] | None = None, tokenizer=None) -> None:
        self.name = name
        self.spans_key = spans_key
        self.vocab = vocab
        self.patterns: list[dict] = []
        self.matcher = PhraseMatcher(vocab, attr="LOWER")
        self._tokenizer = tokenizer  # the pipeline's own: patterns are cut into tokens as text is
        if patterns is not None:
            self.add_patterns(patterns)

    def add_patterns(self, patterns: Iterable[dict]) -> None:
        tokenizer = self._tokenizer
        if tokenizer is None:
            from spacy.lang.en import English

            tokenizer = self._tokenizer = English().tokenizer
        by_label: dict[str, list[Doc]] = {}
        for p in patterns:
            self.patterns.append(dict(p))
            by_label.setdefault(f"{p['kind']}:{p['label']}", []).append(tokenizer(p["pattern"]))
        for label, docs in by_label.items():
            self.matcher.add(label, docs)

    def match(self, doc: Doc) -> list[tuple[str, int, int]]:
        """``(kind:label, start, end)`` of every match; where matches of one kind
        overlap, the longest wins ("management oversight" over "oversight")."""
        strings = self.vocab.strings
        found = self.matcher(doc)
        if not found:
            return []
        kept: list[tuple[str, int, int]] = []
        taken: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in sorted(found, key=lambda m: (m[1] - m[2], m[1])):
            label = strings[match_id]
            spans = taken.setdefault(label.split(":", 1)[0], [])
            if all(end <= a or start >= b for a, b in spans):
                spans.append((start, end))
                kept.append((label, start, end))
        kept.sort(key=lambda m: (m[1], m[2]))
        return kept

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.spans_key] = [Span(doc, s, e, label=label) for label, s, e in self.match(doc)]
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with atomic_write(path / PATTERNS_FILE) as fh:
            for p in self.patterns:
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "ThemeRules":
        self.patterns = []
        self.matcher = PhraseMatcher(self.vocab, attr="LOWER")
        self.add_patterns(load_patterns(Path(path) / PATTERNS_FILE))
        return self


@Language.factory(
    "themeclass_rules",
    default_config={"spans_key": SPANS_KEY, "patterns_path": None},
)
def make_theme_rules(nlp: Language, name: str, spans_key: str, patterns_path: str | None) -> ThemeRules:
    return ThemeRules(nlp.vocab, name=name, spans_key=spans_key, patterns=load_patterns(patterns_path), tokenizer=nlp.tokenizer)


def make_nlp(model: str | None = None, patterns: list[dict] | None = None) -> Language:
    """The pipeline themeclass runs: a tokenizer and the keyword rules.

    ``model`` names an installed spaCy pipeline to use instead of ``spacy.blank("en")``
    (its own components are kept; nothing is downloaded).
    """
    import spacy

    if model in (None, "blank:en"):
        nlp = spacy.blank("en")
    else:
        try:
            nlp = spacy.load(model, exclude=["ner", "lemmatizer", "textcat"])
        except OSError:
            raise ThemeclassError(f"spaCy pipeline {model!r} is not installed (themeclass never downloads one)") from None
    rules = nlp.add_pipe("themeclass_rules")
    if patterns is not None and patterns != rules.patterns:
        rules.patterns, rules.matcher = [], PhraseMatcher(nlp.vocab, attr="LOWER")
        rules.add_patterns(patterns)
    return nlp
