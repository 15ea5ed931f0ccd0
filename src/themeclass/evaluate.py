"""Scores of a model, and of a keyword-only baseline, on labelled units.

* per theme: precision, recall, F1 of finding the theme; macro-F1 over the five;
* sentiment accuracy: over the (unit, theme) pairs both labelled and found, how
  often the predicted sentiment equals the label;
* weakness-F1: a weakness is a (unit, theme) pair labelled ``negative`` or
  ``mixed``; F1 of the predicted weaknesses against the labelled ones;
* recurrence-F1: the same for pairs flagged ``recurring``.
"""

from __future__ import annotations

from typing import Sequence

from .corpus import Labelled
from .features import Preparer
from .rules import THEMES
from .evidence import SCORES, WEAKNESS, ThemeResult, cue_sentences, improvement_section


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": n_gold}


def score(records: Sequence[Labelled], predictions: Sequence[dict[str, ThemeResult]]) -> dict:
    """All the figures, for predictions aligned with the labelled records."""
    per_theme = {}
    for theme in THEMES:
        gold = {r.id for r in records if theme in r.themes}
        pred = {r.id for r, p in zip(records, predictions) if theme in p}
        per_theme[theme] = _prf(len(gold & pred), len(pred), len(gold))
    both = [(r.themes[t], p[t].sentiment) for r, p in zip(records, predictions) for t in r.themes if t in p]
    gold_weak = {(r.id, t) for r in records for t, s in r.themes.items() if s in WEAKNESS}
    pred_weak = {(r.id, t) for r, p in zip(records, predictions) for t, res in p.items() if res.sentiment in WEAKNESS}
    gold_rec = {(r.id, t) for r in records for t in r.recurring}
    pred_rec = {(r.id, t) for r, p in zip(records, predictions) for t, res in p.items() if res.recurring}
    return {
        "units": len(records),
        "themes": per_theme,
        "macro_f1": round(sum(v["f1"] for v in per_theme.values()) / len(THEMES), 4),
        "sentiment_accuracy": round(sum(g == p for g, p in both) / len(both), 4) if both else 0.0,
        "sentiment_pairs": len(both),
        "weakness": _prf(len(gold_weak & pred_weak), len(pred_weak), len(gold_weak)),
        "recurrence": _prf(len(gold_rec & pred_rec), len(pred_rec), len(gold_rec)),
    }


class KeywordBaseline(Preparer):
    """What a researcher would do by hand: a theme when a cue phrase appears; its
    sentiment from the hedges in the cue's sentences (negative hedges only:
    negative; positive only: positive; both: mixed; none: neutral); every theme
    under "What needs to improve?" negative; recurring when a recurrence cue is there."""

    def __init__(self, patterns: list[dict] | None = None, spacy_model: str | None = None) -> None:
        self.patterns = patterns
        self.spacy_model = spacy_model

    def predict(self, texts: Sequence[str], sections: Sequence[str | None] | None = None) -> list[dict[str, ThemeResult]]:
        sections = list(sections) if sections is not None else [None] * len(texts)
        out = []
        for unit, section in zip(self.prepare(texts), sections):
            found = {}
            for theme in THEMES:
                if not any(label == f"theme:{theme}" for label, _, _ in unit.matches):
                    continue
                sents = cue_sentences(unit, theme)
                inside = {label for label, s, _ in unit.matches if any(a <= s < b for a, b in sents)}
                neg, pos = "hedge:negative" in inside, "hedge:positive" in inside
                label = "negative" if improvement_section(section) else {(True, True): "mixed", (True, False): "negative", (False, True): "positive"}.get((neg, pos), "neutral")
                recurring = label in WEAKNESS and "recurrence:recurring" in inside
                found[theme] = ThemeResult(theme, label, SCORES[label], 1.0, recurring, [unit.text_of(a, b) for a, b in sents])
            out.append(found)
        return out
