"""all-mpnet-base-v2 sentence embeddings in plain NumPy (research only): MPNet tokens, 12 layers, mean pooling.

A NumPy copy of HuggingFace's MPNetModel as sentence-transformers runs it for all-mpnet-base-v2
(mean of the last layer's token vectors, then unit length), with the same interface as
exobot.nlu.minilm.MiniLM: `tokenizer`, `pooling` ("mean", "max", "cls" views), `width`, `weights_key`.

Where MPNet differs from BERT (MiniLM):
- tokens: the same uncased WordPiece, but a text is `<s> ... </s>` (ids 0 and 2), padding is `<pad>` (id 1)
  and an unknown word is `[UNK]` (id 104);
- positions count from padding_idx + 1 = 2 (RoBERTa style: cumulative count of real tokens + padding_idx);
- no token type embeddings;
- a relative position bias (`encoder.relative_attention_bias.weight`, 32 buckets x 12 heads), computed once
  per batch from the token distance and added to every layer's attention scores before the softmax;
- layer norm eps 1e-5 (config.json), weight names `attention.attn.{q,k,v,o}` and `attention.LayerNorm`.

The weights are the files of sentence-transformers/all-mpnet-base-v2 (model.safetensors, config.json,
vocab.txt), by default in .cache/mpnet/all-mpnet-base-v2 (see research/mpnet_featurizer.py).
"""

from __future__ import annotations

import hashlib
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from safetensors.numpy import load_file

from exobot.nlu.minilm import (
    MAX_TOKENS,
    SentenceEncoder,
    WordPiece,
    basic_words,
    check_pooling,
    gelu,
    layer_norm,
    unit_rows,
)
from exobot.paths import ROOT

DEFAULT_MODEL_DIR = ROOT / ".cache" / "mpnet" / "all-mpnet-base-v2"
NUM_BUCKETS = 32
MAX_DISTANCE = 128


class MPNetWordPiece(WordPiece):
    """MPNetTokenizer: BERT's uncased WordPiece between `<s>` and `</s>`."""

    def __init__(self, vocab_file: Path) -> None:
        super().__init__(vocab_file)  # unknown pieces become [UNK], as in tokenizer.json
        self.start = self.ids["<s>"]
        self.end = self.ids["</s>"]
        self.padding = self.ids["<pad>"]

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> List[int]:
        pieces = [piece for word in basic_words(text) for piece in self.word_pieces(word)]
        return [self.start, *pieces[: max_tokens - 2], self.end]


def relative_position_bucket(
    relative_position: np.ndarray, num_buckets: int = NUM_BUCKETS, max_distance: int = MAX_DISTANCE
) -> np.ndarray:
    """HF MPNetEncoder.relative_position_bucket: half the buckets per sign, exact below 8, log-spaced to 128."""
    n = -relative_position
    num_buckets //= 2
    ret = (n < 0).astype(np.int64) * num_buckets
    n = np.abs(n)
    max_exact = num_buckets // 2
    is_small = n < max_exact
    # float32 like torch; n is at least 1 where the value is used
    scaled = np.log(np.maximum(n, 1).astype(np.float32) / np.float32(max_exact))
    scaled = scaled / np.float32(math.log(max_distance / max_exact)) * np.float32(num_buckets - max_exact)
    val_if_large = np.minimum(max_exact + scaled.astype(np.int64), num_buckets - 1)
    return ret + np.where(is_small, n, val_if_large)


class MPNet(SentenceEncoder):
    """`embed(texts)` returns one unit-length 768-dimensional vector per text and pooled view."""

    def __init__(self, model_dir: Optional[Path] = None, pooling: Sequence[str] = ("mean",)) -> None:
        model_dir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
        self.pooling = check_pooling(pooling)
        self.weights_file = model_dir / "model.safetensors"
        config = json.loads((model_dir / "config.json").read_text())
        if config.get("model_type") != "mpnet":
            raise ValueError(f"{model_dir} holds a {config.get('model_type')!r} model, not mpnet")
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.padding_idx = int(config["pad_token_id"])
        self.num_buckets = int(config.get("relative_attention_num_buckets", NUM_BUCKETS))
        self.tokenizer = MPNetWordPiece(model_dir / "vocab.txt")
        if self.tokenizer.padding != self.padding_idx:
            raise ValueError(f"<pad> is id {self.tokenizer.padding} in vocab.txt, {self.padding_idx} in config.json")
        weights = load_file(str(self.weights_file))
        prefix = "mpnet." if any(name.startswith("mpnet.") for name in weights) else ""
        self.w: Dict[str, np.ndarray] = {
            name[len(prefix) :]: value.astype(np.float32, copy=False)
            for name, value in weights.items()
            if value.dtype != np.int64 and name.startswith(prefix) and "pooler." not in name
        }
        del weights
        for layer in range(self.layers):
            self._transpose_dense(f"encoder.layer.{layer}.")
        self._weights_key: Optional[str] = None

    def _transpose_dense(self, prefix: str) -> None:
        """Store dense weights as (in, out) so a layer is `x @ W + b`."""
        for name in ("attention.attn.q", "attention.attn.k", "attention.attn.v", "attention.attn.o"):
            key = f"{prefix}{name}.weight"
            self.w[key] = np.ascontiguousarray(self.w[key].T)
        for name in ("intermediate.dense", "output.dense"):
            key = f"{prefix}{name}.weight"
            self.w[key] = np.ascontiguousarray(self.w[key].T)

    @property
    def weights_key(self) -> str:
        """SHA-256 of the weights file (read once: the file is 438 MB)."""
        if self._weights_key is None:
            digest = hashlib.sha256()
            with self.weights_file.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            self._weights_key = digest.hexdigest()
        return self._weights_key

    @property
    def width(self) -> int:
        return int(self.w["embeddings.word_embeddings.weight"].shape[1])

    def _pools(self, ids: np.ndarray, mask: np.ndarray) -> Dict[str, np.ndarray]:
        ids = np.where(mask > 0, ids, self.padding_idx)  # the base class pads with 0, which is <s> here
        mask = mask.astype(np.float32)
        hidden = self._embeddings(ids, mask)
        bias = self._position_bias(ids.shape[1])
        additive = (1.0 - mask[:, None, None, :]) * np.float32(-1e4)
        for layer in range(self.layers):
            hidden = self._layer(hidden, bias + additive, f"encoder.layer.{layer}.")
        mean = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        largest = (hidden + (mask[:, :, None] - 1) * np.float32(1e4)).max(axis=1)
        return {"mean": unit_rows(mean), "max": unit_rows(largest), "cls": unit_rows(hidden[:, 0])}

    def _embeddings(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Word plus position embeddings; real tokens sit at positions 2, 3, ... and padding at 1."""
        w = self.w
        real = mask.astype(np.int64)
        positions = np.cumsum(real, axis=1) * real + self.padding_idx
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][positions]
        return layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)

    @lru_cache(maxsize=256)  # noqa: B019 (one encoder per process)
    def _position_bias(self, length: int) -> np.ndarray:
        """(1, heads, length, length): the bias for key j seen from query i, from the bucket of j - i."""
        context = np.arange(length)[:, None]
        memory = np.arange(length)[None, :]
        buckets = relative_position_bucket(memory - context, num_buckets=self.num_buckets)
        values = self.w["encoder.relative_attention_bias.weight"][buckets]  # (length, length, heads)
        return np.ascontiguousarray(values.transpose(2, 0, 1)[None])

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"] + self.w[name + ".bias"]

    def _layer(self, x: np.ndarray, additive: np.ndarray, prefix: str) -> np.ndarray:
        attended = self._attention(x, additive, prefix + "attention.attn.")
        x = layer_norm(
            attended + x,
            self.w[prefix + "attention.LayerNorm.weight"],
            self.w[prefix + "attention.LayerNorm.bias"],
            self.eps,
        )
        inner = gelu(self._dense(x, prefix + "intermediate.dense"))
        out = self._dense(inner, prefix + "output.dense")
        return layer_norm(
            out + x, self.w[prefix + "output.LayerNorm.weight"], self.w[prefix + "output.LayerNorm.bias"], self.eps
        )

    def _attention(self, x: np.ndarray, additive: np.ndarray, prefix: str) -> np.ndarray:
        """Multi-head self-attention with the relative position bias; padded keys get no attention."""
        batch, tokens, width = x.shape
        size = width // self.heads

        def heads(name: str) -> np.ndarray:
            projected = self._dense(x, prefix + name)
            return projected.reshape(batch, tokens, self.heads, size).transpose(0, 2, 1, 3)

        query, key, value = heads("q"), heads("k"), heads("v")
        scores = query @ key.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size))
        scores = scores + additive
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch, tokens, width)
        return self._dense(context, prefix + "o")
