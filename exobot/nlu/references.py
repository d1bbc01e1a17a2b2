"""Reference examples judged by meaning: texts with a label each, embedded by the sentence encoder when the
model is trained, and the vote of a message's nearest ones (cosine) when it is served.

Used by the edge check (requests to refuse: edges_examples.yml). The file is YAML: one list of texts per label.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Text, Tuple

import numpy as np
import yaml
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# The sentence encoder's settings in config.yml: reference examples must be embedded as messages are.
ENCODER_SETTINGS = {"runtime": "onnx", "quantized": True, "pooling": ["mean", "max", "cls"]}


@dataclass
class References:
    vectors: np.ndarray  # one unit-length row per example
    labels: np.ndarray  # the label of each row

    @classmethod
    def empty(cls) -> References:
        return cls(np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=str))

    @classmethod
    def embed(cls, path: Path, encoder_settings: Optional[Dict[Text, Any]] = None) -> References:
        """Embed every text of the file with the sentence encoder (through its cache, as training does)."""
        from exobot.nlu.classifier import sentence_vectors
        from exobot.nlu.sentence_encoder import SentenceEncoderFeaturizer

        texts_by_label = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts = [text for texts in texts_by_label.values() for text in texts]
        labels = [label for label, texts in texts_by_label.items() for _ in texts]
        encoder = SentenceEncoderFeaturizer(encoder_settings or ENCODER_SETTINGS, f"references_{path.stem}")
        data = encoder.process_training_data(TrainingData([Message(data={TEXT: text}) for text in texts]))
        return cls(sentence_vectors(data.training_examples), np.array(labels))

    def save(self, directory: Path, name: Text) -> None:
        np.save(directory / f"{name}_vectors.npy", self.vectors)
        np.save(directory / f"{name}_labels.npy", self.labels)

    @classmethod
    def load(cls, directory: Path, name: Text) -> References:
        try:
            return cls(np.load(directory / f"{name}_vectors.npy"), np.load(directory / f"{name}_labels.npy"))
        except FileNotFoundError:
            return cls.empty()  # a model trained without them: the words alone decide

    def vote(self, message: Message, label: Text, k: int) -> Tuple[float, float]:
        """The share of the message's `k` nearest examples that have `label`, and the nearest one's similarity."""
        from exobot.nlu.classifier import sentence_vectors

        if not len(self.vectors):
            return 0.0, 0.0
        vector = sentence_vectors([message], self.vectors.shape[1])[0]
        if vector.shape[0] != self.vectors.shape[1] or not vector.any():
            return 0.0, 0.0
        similarities = self.vectors @ vector
        nearest = np.argsort(-similarities)[:k]
        return float(np.mean(self.labels[nearest] == label)), float(similarities[nearest[0]])

    def agrees(self, message: Message, label: Text, settings: Dict[Text, Any]) -> bool:
        """Most of the nearest examples (`share` of `k`) have `label`, the nearest at `min_similarity` or more."""
        share, similarity = self.vote(message, label, int(settings["k"]))
        return similarity >= float(settings["min_similarity"]) and share >= float(settings["share"])
