"""all-MiniLM-L6-v2 on ONNX Runtime: the same weights, tokens and vectors as exobot/nlu/minilm.py, faster.

The ONNX graph is written here, node by node, from the package's model.safetensors (no PyTorch, no
transformers, nothing downloaded): BERT embeddings, 6 encoder layers, mean pooling and L2
normalisation, with inputs `input_ids` and `attention_mask` (int64, [batch, tokens]) and output
`sentence_embedding` ([batch, 384], unit length). The nodes follow the pattern of a Hugging Face
export, so ONNX Runtime's BERT optimiser (onnxruntime.transformers) fuses them into its Attention,
SkipLayerNormalization, EmbedLayerNormalization and BiasGelu kernels. `quantized=True` adds int8
dynamic quantisation of the weights of the matrix products (MatMul, and the fused Attention's QKV).

The built models are cached as `<sha256 of model.safetensors>-opt.onnx` / `-int8.onnx` in
`cache_dir` (else $SENTENCE_ENCODER_CACHE_DIR, else `.cache/` in the project), written atomically,
so they are rebuilt only when the weights (or this builder, see BUILDER_VERSION) change.

Sessions run on one thread (the servers run one process per core). Tokens come from
minilm.WordPiece, the reference tokenizer (see `tokenizer` below for why not `tokenizers`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file

from exobot.nlu.minilm import MAX_TOKENS, WordPiece, default_model_dir
from exobot.paths import ROOT

logger = logging.getLogger(__name__)

# Change when the graph or its optimisation changes: cached models built by another version are rebuilt.
BUILDER_VERSION = "1"
OPSET = 17
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "sentence_embedding"


def default_cache_dir() -> Path:
    return Path(os.environ.get("SENTENCE_ENCODER_CACHE_DIR") or ROOT / ".cache")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class GraphBuilder:
    """Collects nodes and initializers; each helper returns the name of its output."""

    def __init__(self) -> None:
        self.nodes: List[onnx.NodeProto] = []
        self.initializers: List[onnx.TensorProto] = []
        self.names: Dict[str, int] = {}

    def fresh(self, hint: str) -> str:
        self.names[hint] = self.names.get(hint, -1) + 1
        return f"{hint}_{self.names[hint]}"

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def scalar(self, value: float, dtype=np.float32) -> str:
        return self.constant(self.fresh("const"), np.array(value, dtype=dtype))

    def ints(self, values: Sequence[int]) -> str:
        return self.constant(self.fresh("ints"), np.array(values, dtype=np.int64))

    def op(self, op_type: str, inputs: Sequence[str], hint: Optional[str] = None, **attributes) -> str:
        output = self.fresh(hint or op_type)
        self.nodes.append(helper.make_node(op_type, list(inputs), [output], name=output, **attributes))
        return output


def build_graph(model_dir: Path) -> onnx.ModelProto:
    """The fp32 encoder as an ONNX model, in the node pattern of a Hugging Face BERT export."""
    config = json.loads((model_dir / "config.json").read_text())
    heads, layers = int(config["num_attention_heads"]), int(config["num_hidden_layers"])
    eps = float(config.get("layer_norm_eps", 1e-12))
    w = {
        name: value.astype(np.float32)
        for name, value in load_file(str(model_dir / "model.safetensors")).items()
        if value.dtype != np.int64
    }
    width = w["embeddings.word_embeddings.weight"].shape[1]
    size = width // heads
    g = GraphBuilder()

    def weight(name: str, transpose: bool = False) -> str:
        return g.constant(name, w[name].T if transpose else w[name])

    def dense(x: str, name: str) -> str:
        """x @ W + b: MatMul then Add, as the exporter writes nn.Linear."""
        product = g.op("MatMul", [x, weight(name + ".weight", transpose=True)])
        return g.op("Add", [product, weight(name + ".bias")])

    def layer_norm(x: str, name: str) -> str:
        return g.op(
            "LayerNormalization", [x, weight(name + ".weight"), weight(name + ".bias")], axis=-1, epsilon=eps
        )

    # Embeddings. Every token has type 0, so the type-0 row is folded into the position table
    # (word + position + type == word + (position + type)): no token_type_ids input is needed.
    position_table = w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
    words = g.op("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"])
    length = g.op("Gather", [g.op("Shape", ["input_ids"]), g.constant("axis_one", np.array(1, dtype=np.int64))])
    end = g.op("Unsqueeze", [length, g.ints([0])])
    position_ids = g.op(
        "Slice",
        [g.constant("position_ids", np.arange(position_table.shape[0], dtype=np.int64)[None, :]), g.ints([0]), end]
        + [g.ints([1]), g.ints([1])],
    )
    positions = g.op("Gather", [g.constant("embeddings.position_embeddings.weight", position_table), position_ids])
    hidden = layer_norm(g.op("Add", [words, positions]), "embeddings.LayerNorm")

    # Additive attention mask, (1 - mask) * -10000, shared by all layers: [batch, 1, 1, tokens].
    mask = g.op("Unsqueeze", [g.op("Unsqueeze", ["attention_mask", g.ints([1])]), g.ints([2])])
    mask = g.op("Sub", [g.scalar(1.0), g.op("Cast", [mask], to=TensorProto.FLOAT)])
    mask = g.op("Mul", [mask, g.scalar(-10000.0)])

    split_heads = g.ints([0, 0, heads, size])
    merge_heads = g.ints([0, 0, width])
    for layer in range(layers):
        prefix = f"encoder.layer.{layer}."

        def project(name: str, perm: List[int]) -> str:
            split = g.op("Reshape", [dense(hidden, prefix + "attention.self." + name), split_heads])
            return g.op("Transpose", [split], perm=perm)

        query = project("query", [0, 2, 1, 3])
        key = project("key", [0, 2, 3, 1])  # already transposed for query @ key
        value = project("value", [0, 2, 1, 3])
        scores = g.op("Div", [g.op("MatMul", [query, key]), g.scalar(float(np.sqrt(size)))])
        probabilities = g.op("Softmax", [g.op("Add", [scores, mask])], axis=-1)
        context = g.op("Transpose", [g.op("MatMul", [probabilities, value])], perm=[0, 2, 1, 3])
        attended = dense(g.op("Reshape", [context, merge_heads]), prefix + "attention.output.dense")
        hidden = layer_norm(g.op("Add", [attended, hidden]), prefix + "attention.output.LayerNorm")

        inner = dense(hidden, prefix + "intermediate.dense")  # exact GELU: x * 0.5 * (1 + erf(x / sqrt 2))
        erf = g.op("Erf", [g.op("Div", [inner, g.scalar(float(np.sqrt(2.0)))])])
        inner = g.op("Mul", [g.op("Mul", [inner, g.op("Add", [erf, g.scalar(1.0)])]), g.scalar(0.5)])
        out = dense(inner, prefix + "output.dense")
        hidden = layer_norm(g.op("Add", [out, hidden]), prefix + "output.LayerNorm")

    # Mean over the real tokens, then unit length.
    token_mask = g.op("Cast", [g.op("Unsqueeze", ["attention_mask", g.ints([2])])], to=TensorProto.FLOAT)
    summed = g.op("ReduceSum", [g.op("Mul", [hidden, token_mask]), g.ints([1])], keepdims=0)
    count = g.op("Max", [g.op("ReduceSum", [token_mask, g.ints([1])], keepdims=0), g.scalar(1e-9)])
    pooled = g.op("Div", [summed, count])
    norm = g.op("Max", [g.op("ReduceL2", [pooled], axes=[1], keepdims=1), g.scalar(1e-12)])
    g.nodes.append(helper.make_node("Div", [pooled, norm], [OUTPUT], name="normalize"))

    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"]) for name in INPUTS],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", width])],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="exobot")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def optimize(model: onnx.ModelProto, heads: int, width: int) -> tuple:
    """ONNX Runtime's BERT fusions; returns (model, fused operator counts). Falls back to the plain graph."""
    try:
        from onnxruntime.transformers.optimizer import optimize_model

        optimized = optimize_model(model, model_type="bert", num_heads=heads, hidden_size=width, opt_level=0)
        fused = {name: count for name, count in optimized.get_fused_operator_statistics().items() if count}
        if not fused.get("Attention"):
            raise RuntimeError(f"attention was not fused: {fused}")
        return optimized.model, fused
    except Exception as error:  # the session's ORT_ENABLE_ALL optimisations still apply
        logger.warning("Transformer fusion failed (%s); using the unfused graph.", error)
        return model, {}


def quantize(source: Path, target: Path) -> None:
    """int8 dynamic quantisation of the weights of MatMul (and fused Attention); activations per batch."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        source, target, op_types_to_quantize=["MatMul", "Attention"], per_channel=False, weight_type=QuantType.QInt8
    )


def save_atomically(model: onnx.ModelProto, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(model.SerializeToString())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class OnnxMiniLM:
    """Drop-in replacement for minilm.MiniLM: `embed(texts)` returns unit-length 384-number vectors."""

    # Models built by this process, for tests and logs: (path, seconds).
    builds: List[tuple] = []

    def __init__(self, model_dir: Optional[Path] = None, quantized: bool = False, cache_dir: Optional[Path] = None):
        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        self.weights_file = self.model_dir / "model.safetensors"
        self.quantized = quantized
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        config = json.loads((self.model_dir / "config.json").read_text())
        self.heads, self._dimension = int(config["num_attention_heads"]), int(config["hidden_size"])
        self.tokenizer = WordPiece(self.model_dir / "vocab.txt")
        self.encode: Callable[[str], List[int]] = self.tokenizer.encode
        self._fingerprint = file_sha256(self.weights_file)
        self.fused: Dict[str, int] = {}
        self.model_file = self.cache_dir / f"{self._fingerprint}-{'int8' if quantized else 'opt'}.onnx"
        self.session = self._load()

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the weights file, plus the variant: int8 vectors are not the fp32 ones."""
        return self._fingerprint + ("-int8" if self.quantized else "")

    @property
    def dimension(self) -> int:
        return self._dimension

    def _load(self) -> ort.InferenceSession:
        if self.model_file.exists():
            session = self._session()
            if session.get_modelmeta().custom_metadata_map.get("builder") == self._builder_tag():
                return session
            logger.info("%s was built by another builder version: rebuilding it.", self.model_file)
        self._build()
        return self._session()

    def _builder_tag(self) -> str:
        return f"{BUILDER_VERSION}/ort-{ort.__version__}"

    def _session(self) -> ort.InferenceSession:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(str(self.model_file), options, providers=["CPUExecutionProvider"])

    def _build(self) -> None:
        start = time.perf_counter()
        model, self.fused = optimize(build_graph(self.model_dir), self.heads, self._dimension)
        metadata = {"builder": self._builder_tag(), "weights_sha256": self._fingerprint, "fused": json.dumps(self.fused)}
        onnx.helper.set_model_props(model, metadata)
        if not self.quantized:
            save_atomically(model, self.model_file)
        else:
            with tempfile.TemporaryDirectory(dir=self.cache_dir if self.cache_dir.exists() else None) as work:
                fp32, int8 = Path(work) / "fp32.onnx", Path(work) / "int8.onnx"
                fp32.write_bytes(model.SerializeToString())
                quantize(fp32, int8)
                quantized = onnx.load(str(int8))
                onnx.helper.set_model_props(quantized, metadata)
                save_atomically(quantized, self.model_file)
        seconds = time.perf_counter() - start
        OnnxMiniLM.builds.append((self.model_file, seconds))
        logger.info("Built %s in %.1f s (fused: %s).", self.model_file, seconds, self.fused or "nothing")

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Embed many texts: batches of similar length, so little padding is computed."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        ids = [self.encode(text) for text in texts]
        order = sorted(range(len(texts)), key=lambda index: len(ids[index]))
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            vectors[batch] = self._embed_batch([ids[index] for index in batch])
        return vectors

    def embed_one(self, text: str) -> np.ndarray:
        ids = np.array([self.encode(text)], dtype=np.int64)
        return self.session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]

    def _embed_batch(self, batch: List[List[int]]) -> np.ndarray:
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int64)
        for row, token_ids in enumerate(batch):
            ids[row, : len(token_ids)] = token_ids
            mask[row, : len(token_ids)] = 1
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]


__all__ = ["OnnxMiniLM", "build_graph", "MAX_TOKENS"]
