"""themeclass as a spaCy pipeline component: ``nlp.add_pipe("themeclass")``.

Works on any English pipeline, blank or a model you have installed (its
sentence boundaries are used when it sets them). For each doc it sets
``doc._.themes`` to ``{theme: ThemeResult}`` and puts the evidence in
``doc.spans``: the evidence sentences under ``"themeclass_evidence"`` (span label
= the theme) and the keyword-rule matches under ``"themeclass"``.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("themeclass")          # the shipped default model
>>> doc = nlp("Management oversight is not consistently evident in case records.")
>>> {theme: result.sentiment for theme, result in doc._.themes.items()}
{'supervision': 'negative'}
>>> [(span.text, span.label_) for span in doc.spans["themeclass_evidence"]]
[('Management oversight is not consistently evident in case records.', 'supervision')]
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .model.format import load
from .nlp.evidence import evidence_sentences
from .nlp.features import prepare
from .nlp.rules import SPANS_KEY

EVIDENCE_KEY = "themeclass_evidence"

if not Doc.has_extension("themes"):
    Doc.set_extension("themes", default=None)


class ThemeComponent:
    """Tag a doc with themes and sentiment using a trained themeclass model."""

    def __init__(self, nlp: Language, name: str, model: str | None, section: str | None,
                 spans_key: str, evidence_key: str) -> None:
        self.name = name
        self.model = load(model)
        self.section = section
        self.spans_key = spans_key
        self.evidence_key = evidence_key
        self._rules = self.model.pipeline().get_pipe("themeclass_rules")

    def __call__(self, doc: Doc) -> Doc:
        unit = prepare(doc, self._rules.match, doc.text)
        found = self.model.predict_prepared([unit], [self.section])[0] if len(doc) and doc.text.strip() else {}
        doc._.themes = found
        doc.spans[self.spans_key] = [Span(doc, s, e, label=label) for label, s, e in unit.matches]
        evidence = []
        for theme in found:
            evidence.extend(Span(doc, a, b, label=theme) for a, b in evidence_sentences(unit, theme, self.model.follow))
        doc.spans[self.evidence_key] = evidence
        return doc


@Language.factory(
    "themeclass",
    default_config={"model": None, "section": None, "spans_key": SPANS_KEY, "evidence_key": EVIDENCE_KEY},
)
def make_themeclass(nlp: Language, name: str, model: str | None, section: str | None,
                    spans_key: str, evidence_key: str) -> ThemeComponent:
    return ThemeComponent(nlp, name, model, section, spans_key, evidence_key)
