"""scikit-learn's multinomial logistic regression (lbfgs), fitted with the sentence vectors kept dense.

scikit-learn takes one feature matrix, so the 1,152 dense numbers of each message's sentence vector
became sparse entries beside its few word and character counts: 9 million entries to multiply twice
per iteration, most of the three minutes a training took. Here the two blocks are multiplied apart
(sparse counts with SciPy, dense vectors with BLAS); the objective, its gradient, the starting point
and SciPy's L-BFGS-B settings are scikit-learn 1.1's, so the fit is the same up to rounding
(tests/exobot/nlu/test_multinomial.py compares the two).

Two differences in how it runs, not in what it finds:
- `start`: the fit may begin from an earlier model's weights (`starting_point`) instead of zeros. The
  objective is strictly convex, so it ends at the same optimum, in far fewer iterations when only a
  few examples changed (teaching the bot a new phrasing: exobot/nlu/incremental.py).
- The fit runs with one BLAS thread: on a machine whose cores are busy with other work (the bot
  serving visitors, other programs), BLAS threads wait for each other; one thread did an iteration
  in 0.15 s where two took 0.33 s (a 2-core machine shared with other work).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix, hstack
from scipy.special import logsumexp, softmax
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_class_weight
from threadpoolctl import threadpool_limits


class SideBySide:
    """A sparse and a dense block of features, side by side, one row per message."""

    def __init__(self, sparse: csr_matrix, dense: np.ndarray) -> None:
        self.sparse = csr_matrix(sparse, dtype=np.float64)
        self.dense = np.ascontiguousarray(dense, dtype=np.float64)
        self.split = self.sparse.shape[1]
        self._transposed: Optional[csr_matrix] = None

    @property
    def shape(self) -> Tuple[int, int]:
        return self.sparse.shape[0], self.split + self.dense.shape[1]

    def times(self, weights: np.ndarray) -> np.ndarray:
        """X @ weights for weights of shape (features, classes)."""
        return self.sparse @ weights[: self.split] + self.dense @ weights[self.split :]

    def transposed_times(self, per_row: np.ndarray) -> np.ndarray:
        """X.T @ per_row for per_row of shape (rows, classes)."""
        if self._transposed is None:  # row-wise, the product is a third faster than through .T's columns
            self._transposed = self.sparse.T.tocsr()
        return np.vstack([self._transposed @ per_row, self.dense.T @ per_row])

    def to_csr(self) -> csr_matrix:
        return hstack([self.sparse, csr_matrix(self.dense)]).tocsr()


def fit(
    features: SideBySide,
    labels: Sequence[str],
    C: float,
    class_weight: Optional[Any] = None,
    max_iter: int = 100,
    tol: float = 1e-4,
    start: Optional[LogisticRegression] = None,
) -> LogisticRegression:
    """A fitted LogisticRegression (coef_, intercept_, classes_), as `LogisticRegression(...).fit` gives it.

    Two intents are handed to scikit-learn itself (its binary case has another objective). With `start`,
    the fit begins from that model's weights (see `starting_point`).
    """
    model = LogisticRegression(C=C, class_weight=class_weight, max_iter=max_iter, tol=tol)
    classes, target = np.unique(np.asarray(labels), return_inverse=True)
    if len(classes) <= 2:
        return model.fit(features.to_csr(), labels)
    weights = compute_class_weight(class_weight, classes=classes, y=np.asarray(labels))[target]
    rows, columns = features.shape
    initial = np.zeros((columns + 1, len(classes))) if start is None else starting_point(start, classes, columns)
    with threadpool_limits(limits=1, user_api="blas"):
        result = minimize(
            _loss_and_gradient,
            initial.ravel(),
            method="L-BFGS-B",
            jac=True,
            args=(features, target, weights, 1.0 / C, len(classes)),
            options={"iprint": -1, "gtol": tol, "maxiter": max_iter},
        )
    coef = result.x.reshape(columns + 1, len(classes))  # one row per feature, the intercepts last
    model.classes_, model.coef_, model.intercept_ = classes, coef[:-1].T.copy(), coef[-1].copy()
    model.n_features_in_, model.n_iter_ = columns, np.array([result.nit])
    return model


def starting_point(model: LogisticRegression, classes: np.ndarray, columns: int) -> np.ndarray:
    """An earlier multinomial model's weights laid out for this fit: one row per feature, the intercepts last.

    Its features come first in the same order (features added since, such as new words, start at zero),
    and each class keeps its own column (a class it did not know starts at zero)."""
    start = np.zeros((columns + 1, len(classes)))
    known = {name: index for index, name in enumerate(model.classes_.tolist())}
    width = min(columns, model.coef_.shape[1])
    if model.coef_.shape[0] != len(model.classes_):  # a binary model: one row of weights, nothing to start from
        return start
    for column, name in enumerate(classes.tolist()):
        if name in known:
            start[:width, column] = model.coef_[known[name], :width]
            start[-1, column] = model.intercept_[known[name]]
    return start


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
