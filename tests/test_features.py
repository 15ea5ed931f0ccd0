"""Tokenise once, featurise with numpy: the arrays both estimators learn from."""

import numpy as np
import pytest
from spacy.strings import hash_string

from themeclass.codebook import RULE_LABELS
from themeclass.nlp.features import Features, HashTfidf, Preparer, count_matrix, ngrams, section_tokens, theme_features


class Tiny(Preparer):
    patterns = None
    spacy_model = None


UNITS = Tiny().prepare(["Supervision is not always regular. Managers review plans.", "Pathway plans are up to date."])


def test_a_unit_is_read_once_into_token_hashes_sentences_and_rule_matches():
    unit = UNITS[0]
    assert unit.lower[0] == hash_string("supervision")
    assert unit.sentences() == [(0, 6), (6, 10)]
    assert ("hedge:negative", 2, 4) in unit.matches  # "not always"
    assert unit.text_of(*unit.sentences()[1]) == "Managers review plans."


def test_ngrams_of_token_ranges_never_span_two_ranges():
    unit = UNITS[0]
    whole = unit.ngrams((1, 2))
    assert len(whole) == 10 + 9  # unigrams, then bigrams
    first, second = unit.sentences()
    apart = unit.ngrams((1, 2), [first, second])
    assert len(apart) == 10 + 8  # the bigram across the sentence boundary is gone
    assert set(apart) < set(whole)


def test_tfidf_matches_scikit_learns_choices():
    """sublinear tf, smooth idf, l2-normalised rows, as TfidfVectorizer(sublinear_tf=True)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    tokens = [np.array([1, 2, 2, 3], dtype=np.uint64), np.array([2, 3, 4], dtype=np.uint64)]
    ours = HashTfidf((1, 1), min_df=1).fit(tokens).transform(tokens).tocsr().toarray()
    theirs = TfidfVectorizer(sublinear_tf=True, token_pattern=r"\S+").fit_transform(["1 2 2 3", "2 3 4"]).toarray()
    assert np.allclose(ours, theirs)


def test_features_score_like_the_scipy_matrix_they_stand_for():
    rng = np.random.default_rng(0)
    tfidf = HashTfidf((1, 2), min_df=1).fit(None, [u.ngrams((1, 2)) for u in UNITS])
    X = theme_features(UNITS, tfidf, rule_weight=0.7, sections=["What needs to improve?", None],
                       section_tfidf=HashTfidf((1, 1), 1).fit(None, [section_tokens("What needs to improve?")]), section_weight=0.5)
    coef, intercept = rng.normal(size=(5, X.shape[1])), rng.normal(size=5)
    assert np.allclose(X.scores(coef, intercept), X.tocsr() @ coef.T + intercept)


def test_rule_counts_are_log_scaled_and_follow_the_codebook_order():
    counts = count_matrix(UNITS, RULE_LABELS)
    assert counts.shape == (2, len(RULE_LABELS))
    assert counts[0, RULE_LABELS.index("theme:supervision")] == pytest.approx(np.log1p(1))
    assert counts[1, RULE_LABELS.index("theme:care_leavers")] > 0


def test_an_empty_feature_block_scores_the_intercept():
    assert np.array_equal(Features(2).scores(np.zeros((3, 0)), [1.0, 2.0, 3.0]), [[1, 2, 3], [1, 2, 3]])
    assert Features(2).tocsr().shape == (2, 0)
    assert ngrams(np.zeros(0, dtype=np.uint64), (1, 2)).size == 0


def test_the_pipeline_is_not_pickled_with_an_estimator():
    import pickle

    preparer = Tiny()
    preparer.pipeline()
    assert "_nlp_cache" not in pickle.loads(pickle.dumps(preparer)).__dict__
