"""all-mpnet-base-v2 on ONNX Runtime (research only): research/mpnet.py's NumPy MPNet as an ONNX graph, fp32 or int8.

The graph is written node by node from model.safetensors, in the style of exobot/nlu/onnx_minilm.py
(its GraphBuilder): word + position embeddings and LayerNorm, 12 encoder layers (q/k/v projections,
scores / sqrt(size) + relative position bias + additive mask, softmax, output projection, residual
LayerNorm, exact GELU feed-forward, residual LayerNorm), then the three pooled views, each at unit length.

What MPNet computes outside the graph, in Python (cheap, and it keeps the graph simple):
- `input_ids`: padded places hold `<pad>` (id 1), as research/mpnet.py does (the base class pads with 0 = `<s>`);
- `position_ids`: cumulative count of real tokens times the mask, plus padding_idx (RoBERTa style: 2, 3, ...);
- `position_bias` (float32 [1, heads, tokens, tokens]): the relative position bias, which depends only on
  the length (research.mpnet.relative_position_bucket, as MPNet._position_bias), cached per length.

No ONNX Runtime transformer fusion (the position bias breaks its BERT attention pattern); the session's
ORT_ENABLE_ALL optimisations still apply. `quantized=True` uses onnx_minilm.quantize: dynamic int8, QInt8
weights per output channel, for every MatMul with a constant weight.

Built models are cached in .cache/mpnet/onnx/ as `<sha256 of model.safetensors>-fp32.onnx` / `-int8.onnx`.
"""

from __future__ import annotations

import json
import logging
import time
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper
from safetensors import safe_open
from safetensors.numpy import load_file

from exobot.nlu.minilm import SentenceEncoder, check_pooling
from exobot.nlu.onnx_minilm import (
    OPSET,
    OUTPUTS,
    GraphBuilder,
    add_pooled_outputs,
    atomic_target,
    file_sha256,
    quantize,
    save_atomically,
)
from exobot.paths import ROOT
from research.mpnet import DEFAULT_MODEL_DIR, NUM_BUCKETS, MPNetWordPiece, relative_position_bucket

logger = logging.getLogger(__name__)

BUILDER_VERSION = "mpnet-1"
DEFAULT_CACHE_DIR = ROOT / ".cache" / "mpnet" / "onnx"
INPUTS = ("input_ids", "attention_mask", "position_ids")
BIAS_INPUT = "position_bias"


def build_mpnet_graph(model_dir: Path) -> onnx.ModelProto:
    """The fp32 all-mpnet-base-v2 encoder as an ONNX model (inputs: INPUTS and BIAS_INPUT; outputs: OUTPUTS)."""
    model_dir = Path(model_dir)
    config = json.loads((model_dir / "config.json").read_text())
    heads, layers = int(config["num_attention_heads"]), int(config["num_hidden_layers"])
    eps = float(config["layer_norm_eps"])
    weights = load_file(str(model_dir / "model.safetensors"))
    prefix = "mpnet." if any(name.startswith("mpnet.") for name in weights) else ""
    w = {
        name[len(prefix) :]: value.astype(np.float32, copy=False)
        for name, value in weights.items()
        if value.dtype != np.int64 and name.startswith(prefix) and "pooler." not in name
    }
    del weights
    width = w["embeddings.word_embeddings.weight"].shape[1]
    size = width // heads
    g = GraphBuilder()

    def weight(name: str, transpose: bool = False) -> str:
        return g.constant(name, np.ascontiguousarray(w[name].T) if transpose else w[name])

    def dense(x: str, name: str) -> str:
        product = g.op("MatMul", [x, weight(name + ".weight", transpose=True)], hint=name + ".MatMul")
        return g.op("Add", [product, weight(name + ".bias")], hint=name + ".Add")

    def layer_norm(x: str, name: str) -> str:
        return g.op("LayerNormalization", [x, weight(name + ".weight"), weight(name + ".bias")], axis=-1, epsilon=eps)

    # Embeddings: word + position (no token types), then LayerNorm.
    words = g.op("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"])
    positions = g.op("Gather", [weight("embeddings.position_embeddings.weight"), "position_ids"])
    hidden = layer_norm(g.op("Add", [words, positions]), "embeddings.LayerNorm")

    # Relative position bias [1, heads, tokens, tokens] plus additive mask [batch, 1, 1, tokens], once for all layers.
    mask = g.op("Unsqueeze", [g.op("Unsqueeze", ["attention_mask", g.ints([1])]), g.ints([2])])
    mask = g.op("Sub", [g.scalar(1.0), g.op("Cast", [mask], to=TensorProto.FLOAT)])
    mask = g.op("Mul", [mask, g.scalar(-10000.0)])
    bias = g.op("Add", [BIAS_INPUT, mask], hint="bias_and_mask")

    split_heads = g.ints([0, 0, heads, size])
    merge_heads = g.ints([0, 0, width])
    root_size = g.scalar(float(np.sqrt(size)))

    def split(x: str, name: str, perm: List[int]) -> str:
        return g.op("Transpose", [g.op("Reshape", [dense(x, name), split_heads])], perm=perm)

    for layer in range(layers):
        prefix = f"encoder.layer.{layer}."
        query = split(hidden, prefix + "attention.attn.q", [0, 2, 1, 3])
        key = split(hidden, prefix + "attention.attn.k", [0, 2, 3, 1])  # transposed for query @ key
        value = split(hidden, prefix + "attention.attn.v", [0, 2, 1, 3])
        scores = g.op("Div", [g.op("MatMul", [query, key]), root_size])
        probabilities = g.op("Softmax", [g.op("Add", [scores, bias])], axis=-1)
        context = g.op("Transpose", [g.op("MatMul", [probabilities, value])], perm=[0, 2, 1, 3])
        attended = dense(g.op("Reshape", [context, merge_heads]), prefix + "attention.attn.o")
        hidden = layer_norm(g.op("Add", [attended, hidden]), prefix + "attention.LayerNorm")

        inner = dense(hidden, prefix + "intermediate.dense")  # exact GELU: x * 0.5 * (1 + erf(x / sqrt 2))
        erf = g.op("Erf", [g.op("Div", [inner, g.scalar(float(np.sqrt(2.0)))])])
        inner = g.op("Mul", [g.op("Mul", [inner, g.op("Add", [erf, g.scalar(1.0)])]), g.scalar(0.5)])
        out = dense(inner, prefix + "output.dense")
        hidden = layer_norm(g.op("Add", [out, hidden]), prefix + "output.LayerNorm")

    add_pooled_outputs(g, hidden)

    model = g.model
    model.graph.name = "all-mpnet-base-v2"
    model.graph.input.extend(
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"]) for name in INPUTS]
        + [helper.make_tensor_value_info(BIAS_INPUT, TensorProto.FLOAT, [1, heads, "tokens", "tokens"])]
    )
    model.graph.output.extend(
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", width]) for name in OUTPUTS.values()]
    )
    model.ir_version = 8
    model.opset_import.append(helper.make_opsetid("", OPSET))
    model.producer_name = "exobot-research"
    return model


class OnnxMPNet(SentenceEncoder):
    """research.mpnet.MPNet on ONNX Runtime: `embed(texts)` returns one unit-length vector per text and view."""

    # Every model file built in this process, with the seconds it took.
    builds: List[Tuple[Path, float]] = []

    def __init__(
        self,
        model_dir: Optional[Path] = None,
        quantized: bool = False,
        cache_dir: Optional[Path] = None,
        pooling: Sequence[str] = ("mean",),
        fp32_output_dense: bool = False,
    ) -> None:
        """`fp32_output_dense` (with `quantized`): the feed-forward output projections stay fp32, the rest int8."""
        self.pooling = check_pooling(pooling)
        self.fp32_output_dense = quantized and fp32_output_dense
        self.outputs = [OUTPUTS[name] for name in self.pooling]
        self.model_dir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
        self.weights_file = self.model_dir / "model.safetensors"
        self.quantized = quantized
        self.cache_dir = Path(cache_dir) if cache_dir else DEFAULT_CACHE_DIR
        config = json.loads((self.model_dir / "config.json").read_text())
        if config.get("model_type") != "mpnet":
            raise ValueError(f"{self.model_dir} holds a {config.get('model_type')!r} model, not mpnet")
        self.heads = int(config["num_attention_heads"])
        self._width = int(config["hidden_size"])
        self.padding_idx = int(config["pad_token_id"])
        self.num_buckets = int(config.get("relative_attention_num_buckets", NUM_BUCKETS))
        self.tokenizer = MPNetWordPiece(self.model_dir / "vocab.txt")
        with safe_open(str(self.weights_file), "np") as handle:
            name = next(key for key in handle.keys() if key.endswith("encoder.relative_attention_bias.weight"))
            self.bias_table = handle.get_tensor(name).astype(np.float32)  # (buckets, heads)
        self.weights_sha256 = file_sha256(self.weights_file)
        self.model_file = self._cache_file(self._variant())
        self.session = self._load()

    def _variant(self) -> str:
        if not self.quantized:
            return "fp32"
        return "int8-fp32-output-dense" if self.fp32_output_dense else "int8"

    @property
    def weights_key(self) -> str:
        return self.weights_sha256 + ("-onnx-" + self._variant() + "-one-at-a-time" if self.quantized else "-onnx")

    @property
    def width(self) -> int:
        return self._width

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """int8: one text at a time (dynamic quantisation scales activations over the whole batch)."""
        return super().embed(texts, batch_size=1 if self.quantized else batch_size)

    @lru_cache(maxsize=256)  # noqa: B019 (one encoder per process)
    def position_bias(self, length: int) -> np.ndarray:
        """(1, heads, length, length): MPNet._position_bias, the bias for key j seen from query i."""
        context = np.arange(length)[:, None]
        memory = np.arange(length)[None, :]
        buckets = relative_position_bucket(memory - context, num_buckets=self.num_buckets)
        return np.ascontiguousarray(self.bias_table[buckets].transpose(2, 0, 1)[None])

    def _pools(self, ids: np.ndarray, mask: np.ndarray) -> Dict[str, np.ndarray]:
        ids = np.where(mask > 0, ids, self.padding_idx).astype(np.int64)
        mask = mask.astype(np.int64)
        positions = np.cumsum(mask, axis=1) * mask + self.padding_idx
        feeds = {
            "input_ids": ids,
            "attention_mask": mask,
            "position_ids": positions,
            BIAS_INPUT: self.position_bias(int(ids.shape[1])),
        }
        views = self.session.run(self.outputs, feeds)
        return dict(zip(self.pooling, views))

    # Building and caching

    def _cache_file(self, variant: str) -> Path:
        return self.cache_dir / f"{self.weights_sha256}-{variant}.onnx"

    def _builder_tag(self) -> str:
        return f"{BUILDER_VERSION}/onnxruntime-{ort.__version__}"

    def _load(self) -> ort.InferenceSession:
        if self.model_file.exists():
            try:
                session = self._session(self.model_file)
                if session.get_modelmeta().custom_metadata_map.get("builder") == self._builder_tag():
                    return session
                logger.info("%s was built by another builder: rebuilding it.", self.model_file)
            except Exception as error:
                logger.warning("Cannot load %s (%s): rebuilding it.", self.model_file, error)
        self._build()
        return self._session(self.model_file)

    @staticmethod
    def _session(path: Path) -> ort.InferenceSession:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def _build(self) -> None:
        fp32_file = self._cache_file("fp32")
        if not self.quantized or not self._is_current(fp32_file):
            start = time.perf_counter()
            model = build_mpnet_graph(self.model_dir)
            helper.set_model_props(model, {"builder": self._builder_tag(), "weights_sha256": self.weights_sha256})
            save_atomically(model, fp32_file)
            del model
            OnnxMPNet.builds.append((fp32_file, time.perf_counter() - start))
        if self.quantized:
            start = time.perf_counter()
            with atomic_target(self.model_file) as temporary:
                quantize(fp32_file, temporary, nodes_to_exclude=self._fp32_nodes(fp32_file))
            OnnxMPNet.builds.append((self.model_file, time.perf_counter() - start))

    def _fp32_nodes(self, fp32_file: Path) -> List[str]:
        if not self.fp32_output_dense:
            return []
        model = onnx.load(str(fp32_file), load_external_data=False)
        return [node.name for node in model.graph.node if node.op_type == "MatMul" and ".output.dense." in node.name]

    def _is_current(self, path: Path) -> bool:
        if not path.exists():
            return False
        try:
            model = onnx.load(str(path), load_external_data=False)
        except Exception:
            return False
        return {prop.key: prop.value for prop in model.metadata_props}.get("builder") == self._builder_tag()


__all__ = ["OnnxMPNet", "build_mpnet_graph"]
