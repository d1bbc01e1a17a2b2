"""exobot/nlu/multinomial.py: the same fit as scikit-learn's LogisticRegression, from sparse and dense blocks."""

import numpy as np
import pytest
import scipy.sparse
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from exobot.nlu import multinomial

RNG = np.random.default_rng(11)


def problem(classes: int, rows: int = 300):
    """Word-count-like sparse rows and sentence-vector-like dense rows that lean towards their class."""
    labels = RNG.integers(0, classes, rows)
    counts = scipy.sparse.random(rows, 200, density=0.03, random_state=5, format="csr")
    counts = normalize(counts + scipy.sparse.csr_matrix((np.ones(rows), (np.arange(rows), labels * 3)), (rows, 200)))
    vectors = normalize(RNG.normal(size=(rows, 16)) + 2.0 * np.eye(16)[labels % 16])
    names = np.array([f"intent_{label:02d}" for label in labels])
    return multinomial.SideBySide(counts, vectors), names


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_the_fit_is_scikit_learns(class_weight):
    features, labels = problem(classes=6)
    ours = multinomial.fit(features, labels, C=100, class_weight=class_weight, max_iter=3000)
    theirs = LogisticRegression(C=100, class_weight=class_weight, max_iter=3000).fit(features.to_csr(), labels)

    assert ours.classes_.tolist() == theirs.classes_.tolist()
    assert ours.n_iter_.tolist() == theirs.n_iter_.tolist()
    assert np.abs(ours.coef_ - theirs.coef_).max() < 1e-6 * np.abs(theirs.coef_).max()  # 1e-14 when written
    assert np.abs(ours.predict_proba(features.to_csr()) - theirs.predict_proba(features.to_csr())).max() < 1e-8


def test_two_intents_are_left_to_scikit_learn():
    features, labels = problem(classes=2)
    ours = multinomial.fit(features, labels, C=20)
    theirs = LogisticRegression(C=20).fit(features.to_csr(), labels)
    assert np.array_equal(ours.coef_, theirs.coef_) and ours.coef_.shape == (1, 216)


def test_the_blocks_multiply_as_one_matrix():
    features, _ = problem(classes=3, rows=20)
    weights = RNG.normal(size=(216, 3))
    per_row = RNG.normal(size=(20, 3))
    assert np.allclose(features.times(weights), features.to_csr() @ weights)
    assert np.allclose(features.transposed_times(per_row), features.to_csr().T @ per_row)


def test_a_fit_from_an_earlier_model_ends_at_the_same_optimum():
    features, labels = problem(classes=5)
    earlier = multinomial.fit(features, labels[::-1], C=100, max_iter=3000)  # the same rows, other intents
    cold = multinomial.fit(features, labels, C=100, max_iter=3000)
    warm = multinomial.fit(features, labels, C=100, max_iter=3000, start=earlier)
    assert np.abs(warm.predict_proba(features.to_csr()) - cold.predict_proba(features.to_csr())).max() < 1e-3
