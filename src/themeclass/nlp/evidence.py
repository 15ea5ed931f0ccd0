"""Where a theme's sentiment is read from: the evidence sentences, and the
sentiment model's features built from them (no scikit-learn needed).

Used both by the estimators when they learn and by a loaded model when it
predicts, so the evidence a researcher sees is the text the model looked at.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..codebook import HEDGE_LABELS, RECURRENCE_LABEL, SECTION_CUES, THEMES, improvement_section
from .features import Features, HashTfidf, Prepared, count_matrix

def section_cues(sections: Sequence[str | None]) -> np.ndarray:
    """0/1 matrix, one column per :data:`SECTION_CUES` entry (a grade that says
    "requires improvement to be good" is not also "good")."""
    out = np.zeros((len(sections), len(SECTION_CUES)))
    for row, section in enumerate(sections):
        if not section:
            continue
        for col, (_, pattern) in enumerate(SECTION_CUES):
            out[row, col] = bool(pattern.search(section))
        if out[row, 1]:
            out[row, 2] = 0
    return out


def cue_sentences(unit: Prepared, theme: str) -> list[tuple[int, int]]:
    """Token ranges of the sentences that hold a cue phrase of ``theme`` (else of every sentence)."""
    cache = unit.__dict__.setdefault("_cues", {})
    if theme not in cache:
        label = f"theme:{theme}"
        sents = unit.sentences()
        starts = [start for lab, start, _ in unit.matches if lab == label]
        chosen = [(a, b) for a, b in sents if any(a <= s < b for s in starts)]
        cache[theme] = chosen or sents
    return cache[theme]


def evidence_sentences(unit: Prepared, theme: str, follow: int = 1) -> list[tuple[int, int]]:
    """The sentences a theme's sentiment is read from, shown as its evidence: those
    holding the theme's cue phrases and the ``follow`` sentences after each, since
    Ofsted often names the practice in one sentence and judges it in the next
    ("Supervision is regular. However, it rarely ...")."""
    cues = cue_sentences(unit, theme)
    if not follow:
        return cues
    cache = unit.__dict__.setdefault("_evidence", {})
    key = (theme, follow)
    if key not in cache:
        sents = unit.sentences()
        if len(cues) == len(sents):
            cache[key] = cues
        else:
            at = {s: i for i, s in enumerate(sents)}
            keep = sorted({j for s in cues for j in range(at[s], min(at[s] + follow + 1, len(sents)))})
            cache[key] = [sents[j] for j in keep]
    return cache[key]


def recurrence_cue(unit: Prepared, sentences: Sequence[tuple[int, int]]) -> bool:
    return any(lab == RECURRENCE_LABEL and any(a <= s < b for a, b in sentences) for lab, s, _ in unit.matches)




def sentiment_features(items: Sequence[tuple[Prepared, str, str | None]], tfidf: HashTfidf,
                       context_weight: float = 0.0, section_weight: float = 0.0, follow: int = 0) -> Features:
    """Sentiment features of (unit, theme, section) items: TF-IDF of the evidence
    sentences' words (see :func:`evidence_sentences`; ``follow`` as there), the
    hedges matched in them, the theme, whether the section is a list of things to
    improve; (scaled by ``context_weight``) TF-IDF and hedges of the whole unit,
    since a judgement is often stated in a sentence next to the one naming the
    theme; and (scaled by ``section_weight``) what the section heading says: its
    grade, or that it lists strengths."""
    ranges = [evidence_sentences(u, theme, follow) for u, theme, _ in items]
    grams = [u.ngrams(tfidf.ngram_range, r) for (u, _, _), r in zip(items, ranges)]
    extra = np.zeros((len(items), len(THEMES) + 1))
    for row, (_, theme, section) in enumerate(items):
        extra[row, THEMES.index(theme)] = 1
        extra[row, -1] = improvement_section(section)
    units = [u for u, _, _ in items]
    hedges = count_matrix(units, HEDGE_LABELS, ranges)
    features = tfidf.transform(None, grams).add_dense(hedges).add_dense(extra)
    if context_weight:
        features.extend(tfidf.transform(None, [u.ngrams(tfidf.ngram_range) for u in units]), context_weight)
        features.add_dense(count_matrix(units, HEDGE_LABELS), context_weight)
    if section_weight:
        features.add_dense(section_cues([section for _, _, section in items]), section_weight)
    return features
