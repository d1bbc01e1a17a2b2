"""Rasa's LogisticRegressionClassifier with `C` and the class weights configurable (Rasa fixes them at 1.0
and "balanced"), and its sparse and dense features scaled to the same length."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.preprocessing import normalize

from exobot import rasa_compat


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TunedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Weaker regularisation (a larger C) gives confident answers to clear questions, which the fallback needs.

    Classes are not re-weighted by default (Rasa balances them): out_of_scope has several times the
    examples of a topic because it covers everything else, and balancing made the model answer it.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "class_weight": None}

    def __init__(
        self,
        config: Dict[Text, Any],
        name: Text,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        rasa_compat.configure_logistic_regression(
            self, C=float(self.config["C"]), class_weight=self.config["class_weight"]
        )

    def _create_X(self, messages: List[Message]) -> csr_matrix:  # Rasa private method: see exobot/rasa_compat.py
        """Sparse and dense sentence features side by side, each scaled to unit length so neither dominates.

        A message without features (an empty one) gets a row of zeros; BlankMessageClassifier answers it.
        """
        rows = []
        for message in messages:
            sparse = message.get_sparse_features(attribute=TEXT)[1]
            dense = message.get_dense_features(attribute=TEXT)[1]
            parts = [unit_rows(csr_matrix(sparse.features))] if sparse else []
            parts += [unit_rows(csr_matrix(dense.features))] if dense else []
            rows.append(hstack(parts) if parts else csr_matrix((1, self.clf.n_features_in_)))
        return vstack(rows).tocsr()


def unit_rows(matrix: csr_matrix) -> csr_matrix:
    return normalize(matrix, norm="l2", axis=1)
