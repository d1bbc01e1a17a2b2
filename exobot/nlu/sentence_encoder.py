"""Dense sentence features from all-MiniLM-L6-v2: one vector per message (384 numbers per pooled view).

`runtime: onnx` (the default) runs it on ONNX Runtime (exobot/nlu/onnx_minilm.py), `quantized: true`
with int8 weights; `runtime: numpy` runs the NumPy reference (exobot/nlu/minilm.py). `pooling`
(default `[mean]`) may add `max` and `cls`: more views of the token vectors, 384 numbers each.

Training embeds every example, so the vectors of texts seen before are kept in a small SQLite
cache (`cache_dir`, else $SENTENCE_ENCODER_CACHE_DIR, else the project's `.cache/`): retraining after adding a few
examples embeds only those.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from exobot.nlu.minilm import MiniLM
from exobot.nlu.spelling import CORRECTED_TEXT
from exobot.paths import ROOT

CACHE_FILE = "sentence_embeddings.sqlite"


class EmbeddingCache:
    """Vectors by SHA-256 of the text, in one SQLite table."""

    def __init__(self, path: Path, model_key: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(str(path), timeout=30)
        self.model_key = model_key
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (model TEXT, text_sha256 TEXT, vector BLOB, "
            "PRIMARY KEY (model, text_sha256))"
        )

    def get(self, texts: Sequence[str]) -> Dict[str, np.ndarray]:
        found: Dict[str, np.ndarray] = {}
        for text in texts:
            row = self.connection.execute(
                "SELECT vector FROM embeddings WHERE model = ? AND text_sha256 = ?", (self.model_key, sha256(text))
            ).fetchone()
            if row:
                found[text] = np.frombuffer(row[0], dtype=np.float32)
        return found

    def put(self, vectors: Dict[str, np.ndarray]) -> None:
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                [
                    (self.model_key, sha256(text), vector.astype(np.float32).tobytes())
                    for text, vector in vectors.items()
                ],
            )

    def close(self) -> None:
        self.connection.close()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the encoder's vector as the sentence feature of each message's text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "model_dir": None,
            "cache_dir": None,
            "runtime": "onnx",
            "quantized": False,
            "pooling": ["mean"],
        }

    def __init__(self, config: Dict[Text, Any], name: Text, encoder: Optional[MiniLM] = None) -> None:
        self.settings = {**self.get_default_config(), **config}
        super().__init__(name, self.settings)
        self.encoder = encoder or make_encoder(self.settings)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to check: both settings may be left out."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        messages = [message for message in training_data.training_examples if message.get(TEXT)]
        texts = [encoder_text(message) for message in messages]
        vectors = self._embed_with_cache(texts)
        for message, text in zip(messages, texts):
            self._add(message, vectors[text])
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if isinstance(message.get(TEXT), str) and message.get(TEXT).strip():
                self._add(message, self.encoder.embed_one(encoder_text(message)))
        return messages

    def _add(self, message: Message, vector: np.ndarray) -> None:
        self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)

    def _embed_with_cache(self, texts: List[str]) -> Dict[str, np.ndarray]:
        unique = list(dict.fromkeys(texts))
        cache_dir = self.settings["cache_dir"] or os.environ.get("SENTENCE_ENCODER_CACHE_DIR") or ROOT / ".cache"
        cache = EmbeddingCache(Path(cache_dir) / CACHE_FILE, self.encoder.fingerprint)
        try:
            vectors = cache.get(unique)
            missing = [text for text in unique if text not in vectors]
            if missing:
                new = dict(zip(missing, self.encoder.embed(missing)))
                cache.put(new)
                vectors.update(new)
        finally:
            cache.close()
        return vectors


def make_encoder(settings: Dict[Text, Any]) -> MiniLM:
    """The encoder the settings ask for: ONNX Runtime (fp32 or int8) or the NumPy reference."""
    model_dir = Path(settings["model_dir"]) if settings["model_dir"] else None
    pooling = settings["pooling"]
    if settings["runtime"] == "numpy":
        return MiniLM(model_dir, pooling=pooling)
    if settings["runtime"] != "onnx":
        raise ValueError(f"SentenceEncoderFeaturizer: runtime must be 'onnx' or 'numpy', not {settings['runtime']!r}")
    from exobot.nlu.onnx_minilm import OnnxMiniLM

    return OnnxMiniLM(model_dir, quantized=bool(settings["quantized"]), pooling=pooling)


def encoder_text(message: Message) -> str:
    """The text with the spelling corrector's fixes when it ran, else as typed."""
    return message.get(CORRECTED_TEXT) or message.get(TEXT)
