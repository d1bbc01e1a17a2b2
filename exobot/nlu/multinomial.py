"""scikit-learn's multinomial logistic regression (lbfgs), fitted with the sentence vectors kept dense.

scikit-learn takes one feature matrix, so the 1,152 dense numbers of each message's sentence vector
became sparse entries beside its few word and character counts: 9 million entries to multiply twice
per iteration, most of the three minutes a training took. Here the two blocks are multiplied apart
(sparse counts with SciPy, dense vectors with BLAS); the objective, its gradient, the starting point
and SciPy's L-BFGS-B settings are scikit-learn 1.1's, so the fit is the same up to rounding
(tests/exobot/nlu/test_multinomial.py compares the two).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix, hstack
from scipy.special import logsumexp, softmax
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_class_weight


class SideBySide:
    """A sparse and a dense block of features, side by side, one row per message."""

    def __init__(self, sparse: csr_matrix, dense: np.ndarray) -> None:
        self.sparse = csr_matrix(sparse, dtype=np.float64)
        self.dense = np.ascontiguousarray(dense, dtype=np.float64)
        self.split = self.sparse.shape[1]

    @property
    def shape(self) -> Tuple[int, int]:
        return self.sparse.shape[0], self.split + self.dense.shape[1]

    def times(self, weights: np.ndarray) -> np.ndarray:
        """X @ weights for weights of shape (features, classes)."""
        return self.sparse @ weights[: self.split] + self.dense @ weights[self.split :]

    def transposed_times(self, per_row: np.ndarray) -> np.ndarray:
        """X.T @ per_row for per_row of shape (rows, classes)."""
        return np.vstack([self.sparse.T @ per_row, self.dense.T @ per_row])

    def to_csr(self) -> csr_matrix:
        return hstack([self.sparse, csr_matrix(self.dense)]).tocsr()


def fit(
    features: SideBySide,
    labels: Sequence[str],
    C: float,
    class_weight: Optional[Any] = None,
    max_iter: int = 100,
    tol: float = 1e-4,
) -> LogisticRegression:
    """A fitted LogisticRegression (coef_, intercept_, classes_), as `LogisticRegression(...).fit` gives it.

    Two intents are handed to scikit-learn itself (its binary case has another objective).
    """
    model = LogisticRegression(C=C, class_weight=class_weight, max_iter=max_iter, tol=tol)
    classes, target = np.unique(np.asarray(labels), return_inverse=True)
    if len(classes) <= 2:
        return model.fit(features.to_csr(), labels)
    weights = compute_class_weight(class_weight, classes=classes, y=np.asarray(labels))[target]
    rows, columns = features.shape
    result = minimize(
        _loss_and_gradient,
        np.zeros(len(classes) * (columns + 1)),
        method="L-BFGS-B",
        jac=True,
        args=(features, target, weights, 1.0 / C, len(classes)),
        options={"iprint": -1, "gtol": tol, "maxiter": max_iter},
    )
    coef = result.x.reshape(columns + 1, len(classes))  # one row per feature, the intercepts last
    model.classes_, model.coef_, model.intercept_ = classes, coef[:-1].T.copy(), coef[-1].copy()
    model.n_features_in_, model.n_iter_ = columns, np.array([result.nit])
    return model


def _loss_and_gradient(
    flat: np.ndarray, features: SideBySide, target: np.ndarray, weights: np.ndarray, l2: float, classes: int
) -> Tuple[float, np.ndarray]:
    """Weighted cross-entropy plus l2 / 2 times the squared weights (not the intercepts), and its gradient.

    The parameters are one row per feature and one column per class, the intercepts in the last row.
    """
    coef = flat.reshape(-1, classes)
    raw = features.times(coef[:-1]) + coef[-1]
    rows = np.arange(len(target))
    loss = float(weights @ (logsumexp(raw, axis=1) - raw[rows, target]))
    loss += 0.5 * l2 * float(np.sum(coef[:-1] ** 2))
    per_row = softmax(raw, axis=1)
    per_row[rows, target] -= 1.0
    per_row *= weights[:, None]
    gradient = np.empty_like(coef)
    gradient[:-1] = features.transposed_times(per_row) + l2 * coef[:-1]
    gradient[-1] = per_row.sum(axis=0)
    return loss, gradient.ravel()
