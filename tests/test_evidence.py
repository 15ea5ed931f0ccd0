"""Where a theme's sentiment is read from: the evidence sentences."""

from themeclass.codebook import HEDGE_LABELS
from themeclass.nlp.evidence import cue_sentences, evidence_sentences, recurrence_cue, section_cues, sentiment_features
from themeclass.nlp.features import HashTfidf, Preparer


class Tiny(Preparer):
    patterns = None
    spacy_model = None


TEXT = ("Personal advisers know care leavers well. However, they do not always update them. "
        "Supervision is regular. Since the last inspection, managers still do not record decisions.")
UNIT = Tiny().prepare([TEXT])[0]


def sentences(ranges):
    return [UNIT.text_of(a, b) for a, b in ranges]


def test_a_themes_evidence_is_its_cue_sentences_and_the_sentence_after_each():
    assert sentences(cue_sentences(UNIT, "care_leavers")) == ["Personal advisers know care leavers well."]
    assert sentences(evidence_sentences(UNIT, "care_leavers", follow=1)) == [
        "Personal advisers know care leavers well.", "However, they do not always update them."]
    assert sentences(evidence_sentences(UNIT, "care_leavers", follow=0)) == ["Personal advisers know care leavers well."]


def test_a_theme_with_no_cue_phrase_reads_the_whole_unit():
    assert len(cue_sentences(UNIT, "sufficiency")) == len(UNIT.sentences())


def test_a_recurrence_cue_counts_only_inside_the_given_sentences():
    first, *_, last = UNIT.sentences()
    assert recurrence_cue(UNIT, [last]) and not recurrence_cue(UNIT, [first])


def test_section_cues_read_the_grade_of_a_judgement_heading():
    cues = section_cues(["The experiences and progress of care leavers: requires improvement to be good",
                         "Key strengths", None])
    assert cues[0].tolist() == [0, 1, 0, 0, 0]  # "requires improvement to be good" is not also "good"
    assert cues[1].tolist() == [0, 0, 0, 0, 1]
    assert cues[2].tolist() == [0, 0, 0, 0, 0]


def test_sentiment_features_have_the_documented_blocks():
    tfidf = HashTfidf((1, 2), 1).fit(None, [UNIT.ngrams((1, 2))])
    items = [(UNIT, "care_leavers", None), (UNIT, "supervision", "What needs to improve?")]
    plain = sentiment_features(items, tfidf)
    assert plain.shape == (2, len(tfidf.vocabulary_) + len(HEDGE_LABELS) + 5 + 1)
    full = sentiment_features(items, tfidf, context_weight=1.0, section_weight=2.0, follow=1)
    assert full.shape[1] == plain.shape[1] + len(tfidf.vocabulary_) + len(HEDGE_LABELS) + 5
    improve = full.tocsr().toarray()[:, len(tfidf.vocabulary_) + len(HEDGE_LABELS) + 5]
    assert improve.tolist() == [0.0, 1.0]  # the "What needs to improve?" column
