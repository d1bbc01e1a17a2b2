"""Rasa's LogisticRegressionClassifier with `C` and the class weights configurable (Rasa fixes them at 1.0
and "balanced"), and its sparse and dense features scaled to the same length."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.preprocessing import normalize

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message


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
        self.clf.set_params(C=float(self.config["C"]), class_weight=self.config["class_weight"])

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        """Sparse and dense sentence features side by side, each scaled to unit length so neither dominates."""
        rows = []
        for message in messages:
            sparse = message.get_sparse_features(attribute=TEXT)[1]
            dense = message.get_dense_features(attribute=TEXT)[1]
            parts = [unit_rows(csr_matrix(sparse.features))] if sparse else []
            parts += [unit_rows(csr_matrix(dense.features))] if dense else []
            rows.append(hstack(parts))
        return vstack(rows).tocsr()

    def process(self, messages: List[Message]) -> List[Message]:
        """Classify the messages that have features; an empty message has none: no intent, confidence 0."""
        featurized, empty = [], []
        for message in messages:
            (featurized if has_features(message) else empty).append(message)
        if featurized:
            super().process(featurized)
        for message in empty:
            message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages


def unit_rows(matrix: csr_matrix) -> csr_matrix:
    return normalize(matrix, norm="l2", axis=1)


def has_features(message: Message) -> bool:
    sparse = message.get_sparse_features(attribute=TEXT)[1]
    dense = message.get_dense_features(attribute=TEXT)[1]
    return sparse is not None or dense is not None
