"""The intent classifier: logistic regression on word, character and sentence-encoder features, plus a check
that a message is near the examples of the intent it is given.

- Logistic regression (scikit-learn) on the sparse n-gram features and the dense sentence vector side by
  side, each scaled to unit length so neither dominates; `C` and the class weights are configurable
  (Rasa's own LogisticRegressionClassifier fixes them at 1.0 and "balanced"). It is fitted by
  exobot/nlu/multinomial.py, scikit-learn's objective and solver with the dense block kept dense.
- Nearest examples: with `min_similarity` set, a message whose sentence vector is further than that
  (cosine) from every training example of its predicted intent goes to `out_of_scope`: the bot's topics
  are small islands, and a message far from all of an island's examples is not on it. Intents listed in
  `never_rejected` (short conversational replies, whose examples are few words each) are left alone. `k_nearest` > 0
  adds, to each intent's probability, the share of the k most similar training examples with that intent.
- A message without features (an empty one) is read as a row of zeros; BlankMessageClassifier answers it.
- Teaching (`rasa train --finetune`, or exobot/nlu/incremental.py for a few changed examples): the fit starts
  from the previous model's weights, and the model keeps each example's text and word features so that
  a later teaching step featurises only the examples that changed.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, load_npz, save_npz, vstack
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from exobot.nlu import multinomial

OUT_OF_SCOPE = "out_of_scope"
RANKING_LENGTH = 10
WEIGHTS_FILE = "classifier.json"
ARRAYS_FILE = "weights.npz"
ROWS_FILE = "training_rows.npz"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentClassifierWithNearestExamples(GraphComponent, IntentClassifier):
    """Logistic regression on all features; out of scope when far from every example of the predicted intent."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C": 1.0,
            "max_iter": 3000,
            "class_weight": None,
            "min_similarity": None,
            "k_nearest": 0,
            "never_rejected": [],
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[LogisticRegression] = None,
        examples: Optional[Tuple[np.ndarray, np.ndarray]] = None,
        finetuning: bool = False,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.vectors, self.labels = examples if examples is not None else (np.zeros((0, 0)), np.array([]))
        self.finetuning = finetuning
        # The training examples' texts and word features, for teaching (empty in models trained before them).
        self.texts: List[Text] = []
        self.rows = csr_matrix((0, 0))
        self._by_intent: Dict[Text, np.ndarray] = {}
        self._transposed: Optional[np.ndarray] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentClassifierWithNearestExamples:
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The version of what `persist` writes: Rasa's training cache does not restore an older layout."""
        return f"persisted as {WEIGHTS_FILE}, {ARRAYS_FILE}, {ROWS_FILE}"

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on the intent examples; when Rasa fine-tunes (`rasa train --finetune`), from the loaded weights."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        blocks = self._feature_blocks(examples)
        texts = [example.get(TEXT) for example in examples]
        self.fit(texts, [example.get(INTENT) for example in examples], blocks, warm=self.finetuning)
        self.persist()
        return self._resource

    def fit(
        self,
        texts: List[Text],
        labels: List[Text],
        blocks: multinomial.SideBySide,
        warm: bool = False,
        max_iter: Optional[int] = None,
    ) -> None:
        """Fit on these examples (their texts, intents and features); with `warm`, from the current weights;
        `max_iter` (teaching) instead of the configured number of iterations."""
        self.model = multinomial.fit(
            blocks,
            labels,
            C=float(self.config["C"]),
            class_weight=self.config["class_weight"],
            max_iter=int(max_iter or self.config["max_iter"]),
            start=self.model if warm else None,
        )
        self.texts, self.labels = list(texts), np.array(labels)
        self.rows = blocks.sparse
        self.vectors = normalize(blocks.dense.astype(np.float32)) if len(texts) else blocks.dense
        self._by_intent, self._transposed = {}, None

    def feature_blocks(self, messages: List[Message]) -> multinomial.SideBySide:
        """The features the classifier reads from these (featurised) messages."""
        return self._feature_blocks(messages)

    def _feature_blocks(self, messages: List[Message]) -> multinomial.SideBySide:
        """Sparse and dense sentence features, each scaled to unit length; zeros where a message has none."""
        sparse_rows = [message.get_sparse_features(attribute=TEXT)[1] for message in messages]
        dense_rows = [message.get_dense_features(attribute=TEXT)[1] for message in messages]
        sparse_width = next((row.features.shape[1] for row in sparse_rows if row), 0)
        dense_width = next((row.features.shape[1] for row in dense_rows if row), 0)
        sparse = vstack(
            [normalize(csr_matrix(row.features)) if row else csr_matrix((1, sparse_width)) for row in sparse_rows]
        )
        dense = np.zeros((len(messages), dense_width))
        for index, row in enumerate(dense_rows):
            if row:
                dense[index] = normalize(np.asarray(row.features, dtype=np.float64).reshape(1, -1))
        return multinomial.SideBySide(sparse.tocsr(), dense)

    def _features(self, messages: List[Message]) -> csr_matrix:
        """The features side by side in one matrix, as scikit-learn's predict_proba takes them."""
        return self._feature_blocks(messages).to_csr()

    def process(self, messages: List[Message]) -> List[Message]:
        """Each message's intent and ranking. One message at a time, in NumPy: the logistic regression's
        probabilities exactly as scikit-learn's predict_proba gives them, without building sparse matrices."""
        if self.model is None:
            return messages
        for message in messages:
            vector = sentence_vectors([message], self.vectors.shape[1] if self.vectors.size else 0)[0]
            scores = self._probabilities(message)
            if self.config["k_nearest"] and len(self.labels):
                scores = (scores + self._nearest_shares(vector)) / 2
            order = np.argsort(-scores)[:RANKING_LENGTH]
            ranking = [
                {INTENT_NAME_KEY: str(self.model.classes_[i]), PREDICTED_CONFIDENCE_KEY: float(scores[i])}
                for i in order
            ]
            if self._far_from_its_examples(ranking[0], vector):
                ranking = _with_top(ranking, OUT_OF_SCOPE)
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def _probabilities(self, message: Message) -> np.ndarray:
        """Softmax of the linear scores (multinomial logistic regression), on the unit-scaled features."""
        weights = self._weights()  # (features, intents): a message's few non-zero features are a few rows
        scores = self.model.intercept_.astype(np.float64).copy()
        sparse = message.get_sparse_features(attribute=TEXT)[1]
        dense = message.get_dense_features(attribute=TEXT)[1]
        start = 0
        if sparse:
            row = csr_matrix(sparse.features)
            norm = np.linalg.norm(row.data)
            if norm > 0:
                scores += (row.data / norm) @ weights[row.indices]
            start = row.shape[1]
        if dense:
            values = np.asarray(dense.features, dtype=np.float64).reshape(-1)
            norm = np.linalg.norm(values)
            if norm > 0:
                scores += (values / norm) @ weights[start : start + len(values)]
        if len(self.model.classes_) == 2:  # scikit-learn's binary case: one score, for the second class
            second = 1 / (1 + np.exp(-scores[0]))
            return np.array([1 - second, second])
        scores = np.exp(scores - scores.max())
        return scores / scores.sum()

    def _weights(self) -> np.ndarray:
        if self._transposed is None:
            self._transposed = np.ascontiguousarray(self.model.coef_.T, dtype=np.float64)
        return self._transposed

    def _nearest_shares(self, vector: np.ndarray) -> np.ndarray:
        """For each intent, the share of the k training examples most similar to the message that have it."""
        nearest = self.labels[np.argsort(-(self.vectors @ vector))[: int(self.config["k_nearest"])]]
        return np.array([np.mean(nearest == name) for name in self.model.classes_])

    def _far_from_its_examples(self, top: Dict[Text, Any], vector: np.ndarray) -> bool:
        """The message is further (cosine) than `min_similarity` from every training example of its intent."""
        threshold = self.config["min_similarity"]
        if threshold is None or not vector.any():
            return False
        if top[INTENT_NAME_KEY] == OUT_OF_SCOPE or top[INTENT_NAME_KEY] in self.config["never_rejected"]:
            return False
        own = self._vectors_of(top[INTENT_NAME_KEY])
        return not len(own) or float((own @ vector).max()) < float(threshold)

    def _vectors_of(self, intent: Text) -> np.ndarray:
        if intent not in self._by_intent:
            self._by_intent[intent] = np.ascontiguousarray(self.vectors[self.labels == intent])
        return self._by_intent[intent]

    def persist(self) -> None:
        """The weights and the examples' vectors as NumPy files (a JSON list of 1.3 million weights took seconds
        to write, load and compress); the classes, intents and texts as JSON."""
        with self._model_storage.write_to(self._resource) as directory:
            about = {"classes": self.model.classes_.tolist(), "labels": self.labels.tolist(), "texts": self.texts}
            (directory / WEIGHTS_FILE).write_text(json.dumps(about))
            np.savez(directory / ARRAYS_FILE, coef=self.model.coef_, intercept=self.model.intercept_)
            np.save(directory / "vectors.npy", self.vectors)
            save_npz(directory / ROWS_FILE, csr_matrix(self.rows))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> IntentClassifierWithNearestExamples:
        finetuning = bool(getattr(execution_context, "is_finetuning", False))
        try:
            with model_storage.read_from(resource) as directory:
                saved = json.loads((directory / WEIGHTS_FILE).read_text())
                vectors = np.load(directory / "vectors.npy")
                if (directory / ARRAYS_FILE).exists():
                    with np.load(directory / ARRAYS_FILE) as arrays:
                        saved.update(coef=arrays["coef"], intercept=arrays["intercept"])
                rows = load_npz(directory / ROWS_FILE) if (directory / ROWS_FILE).exists() else None
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource, finetuning=finetuning)  # trained without examples
        model = LogisticRegression()
        model.classes_ = np.array(saved["classes"])
        model.coef_ = np.asarray(saved["coef"], dtype=np.float64)
        model.intercept_ = np.asarray(saved["intercept"], dtype=np.float64)
        model.n_features_in_ = model.coef_.shape[1]
        loaded = cls(config, model_storage, resource, model, (vectors, np.array(saved["labels"])), finetuning)
        if rows is not None and len(saved.get("texts", [])) == rows.shape[0]:
            loaded.texts, loaded.rows = list(saved["texts"]), rows.tocsr()
        return loaded


def sentence_vectors(messages: List[Message], width: int = 0) -> np.ndarray:
    """Each message's dense sentence feature (the sentence encoder's vector), unit length; zeros if it has none."""
    rows = []
    for message in messages:
        dense = message.get_dense_features(attribute=TEXT)[1]
        rows.append(np.asarray(dense.features, dtype=np.float32).reshape(-1) if dense else None)
    width = width or next((len(row) for row in rows if row is not None), 0)
    matrix = np.stack([row if row is not None else np.zeros(width, dtype=np.float32) for row in rows])
    return normalize(matrix) if len(matrix) else matrix


def _with_top(ranking: List[Dict[Text, Any]], intent: Text) -> List[Dict[Text, Any]]:
    """A firm "not my topic": `intent` first and sure, the model's guesses after it at no confidence (so the
    FallbackClassifier does not read them as a close second)."""
    top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    rest = [{**entry, PREDICTED_CONFIDENCE_KEY: 0.0} for entry in ranking if entry[INTENT_NAME_KEY] != intent]
    return [top, *rest]
