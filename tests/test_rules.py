"""Keyword rules: a spaCy component whose patterns live in a JSONL file."""

import json

import pytest
import spacy

from themeclass.codebook import THEMES
from themeclass.errors import ThemeclassError
from themeclass.nlp.rules import load_patterns, make_nlp


def test_component_adds_matches_to_doc_spans():
    nlp = spacy.blank("en")
    nlp.add_pipe("themeclass_rules")
    doc = nlp("Since the last inspection, management oversight is not consistently evident.")
    labels = {(s.text, s.label_) for s in doc.spans["themeclass"]}
    assert ("management oversight", "theme:supervision") in labels
    assert ("not consistently", "hedge:negative") in labels
    assert ("Since the last inspection", "recurrence:recurring") in labels
    # the longer match wins within a kind: "oversight" alone is not also reported
    assert ("oversight", "theme:supervision") not in labels


def test_spans_key_and_patterns_file_are_configurable(tmp_path):
    patterns = tmp_path / "p.jsonl"
    patterns.write_text(json.dumps({"kind": "theme", "label": "sufficiency", "pattern": "beds"}) + "\n")
    nlp = spacy.blank("en")
    nlp.add_pipe("themeclass_rules", config={"spans_key": "cues", "patterns_path": str(patterns)})
    doc = nlp("There are too few beds.")
    assert [(s.text, s.label_) for s in doc.spans["cues"]] == [("beds", "theme:sufficiency")]


def test_patterns_round_trip_through_disk(tmp_path):
    nlp = spacy.blank("en")
    rules = nlp.add_pipe("themeclass_rules")
    rules.to_disk(tmp_path / "rules")
    other = spacy.blank("en").add_pipe("themeclass_rules").from_disk(tmp_path / "rules")
    assert other.patterns == rules.patterns


def test_every_theme_has_cue_phrases():
    patterns = load_patterns()
    assert {p["label"] for p in patterns if p["kind"] == "theme"} == set(THEMES)
    assert {"not always", "too many", "drift and delay", "mostly", "robust"} <= {p["pattern"] for p in patterns if p["kind"] == "hedge"}
    assert {"since the last inspection", "remains", "still"} <= {p["pattern"] for p in patterns if p["kind"] == "recurrence"}


@pytest.mark.parametrize("line, problem", [
    ("not json", "line 2: not valid JSON"),
    ('{"kind": "theme", "label": "workforce", "pattern": "caseloads"}', "line 2: unknown kind or label"),
    ('{"kind": "hedge", "label": "negatve", "pattern": "lacks"}', "line 2: unknown kind or label 'hedge'/'negatve'"),
    ('{"kind": "recurrence", "label": "negative", "pattern": "again"}', "line 2: unknown kind or label"),
    ('{"kind": "theme", "label": "supervision"}', "line 2: not a pattern object"),
    ('{"kind": "theme", "label": "supervision", "pattern": "  "}', "line 2: empty pattern"),
])
def test_bad_pattern_lines_are_refused_with_their_number(tmp_path, line, problem):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"kind": "hedge", "label": "negative", "pattern": "lacks"}) + "\n" + line + "\n")
    with pytest.raises(ThemeclassError, match=problem):
        load_patterns(path)


def test_an_installed_pipeline_that_is_missing_is_a_one_line_error():
    with pytest.raises(ThemeclassError, match="spaCy pipeline 'en_no_such_model' is not installed"):
        make_nlp("en_no_such_model")


def test_the_pipeline_uses_the_given_patterns_instead_of_the_shipped_ones():
    nlp = make_nlp(None, [{"kind": "theme", "label": "sufficiency", "pattern": "beds"}])
    doc = nlp("Supervision is regular. There are too few beds.")
    assert [(s.text, s.label_) for s in doc.spans["themeclass"]] == [("beds", "theme:sufficiency")]
