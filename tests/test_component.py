"""themeclass as a spaCy pipeline component."""

import spacy

import themeclass.component  # noqa: F401  (registers the factory, as `import themeclass` does)


def test_add_pipe_to_a_blank_pipeline_sets_themes_and_evidence_spans(tiny_model):
    nlp = spacy.blank("en")
    nlp.add_pipe("themeclass", config={"model": str(tiny_model)})
    doc = nlp("Strategy discussions are timely and well attended by partners. Pathway plans are not always updated.")
    assert doc._.themes["care_leavers"].sentiment == "negative"
    evidence = {(s.label_, s.text) for s in doc.spans["themeclass_evidence"]}
    assert ("care_leavers", "Pathway plans are not always updated.") in evidence
    assert any(s.label_ == "theme:care_leavers" for s in doc.spans["themeclass"])


def test_the_pipeline_own_sentences_are_used_when_it_sets_them(tiny_model):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": [";"]})
    nlp.add_pipe("themeclass", config={"model": str(tiny_model)})
    doc = nlp("Adoption happens without delay; pathway plans are not always updated.")
    assert [s.text for s in doc.spans["themeclass_evidence"] if s.label_ == "care_leavers"] == ["pathway plans are not always updated."]


def test_an_empty_doc_has_no_themes(tiny_model):
    nlp = spacy.blank("en")
    nlp.add_pipe("themeclass", config={"model": str(tiny_model)})
    doc = nlp("")
    assert doc._.themes == {} and list(doc.spans["themeclass_evidence"]) == []


def test_the_section_config_applies_the_what_needs_to_improve_rule(tiny_model):
    nlp = spacy.blank("en")
    nlp.add_pipe("themeclass", config={"model": str(tiny_model), "section": "What needs to improve?"})
    assert nlp("Supervision is regular and reflective.")._.themes["supervision"].sentiment == "negative"
