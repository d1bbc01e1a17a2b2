"""all-MiniLM-L6-v2 on ONNX Runtime: the weights, tokens and vectors of exobot/nlu/minilm.py, faster.

The ONNX graph is written here, node by node, from the weights package's model.safetensors (no
PyTorch, no transformers, nothing downloaded): BERT embeddings, 6 encoder layers, mean pooling and
L2 normalisation. Inputs `input_ids` and `attention_mask` (int64, [batch, tokens]); outputs
`sentence_embedding` ([batch, 384], unit length), and the other pooled views of minilm.py,
`max_pooled` and `cls_vector` (each [batch, 384], unit length). The nodes follow the pattern of a
Hugging Face BERT export, so ONNX Runtime's BERT optimiser (onnxruntime.transformers.optimizer)
fuses them into its EmbedLayerNormalization, Attention, SkipLayerNormalization and BiasGelu
kernels; if that fails the plain graph is used (the session's ORT_ENABLE_ALL optimisations still apply).

`quantized=True` adds int8 dynamic quantisation (QInt8 weights, per output channel) of every matrix
product with a constant weight: the MatMuls, and the fused Attention's query/key/value projection.
It is ~3x faster than fp32; its vectors' cosine similarity to the reference is 0.99 on average,
0.95 at worst (short messages such as "thanks very much"; the bound is in
tests/exobot/nlu/test_onnx_minilm.py). The fp32 vectors agree with the reference to ~1e-6.

Built models are cached as `<sha256 of model.safetensors>-opt.onnx` / `-int8.onnx` in `cache_dir`
(else $SENTENCE_ENCODER_CACHE_DIR, else the project's `.cache/`), written atomically (temporary
file, then os.replace), so they are rebuilt only when the weights change (or BUILDER_VERSION or the
onnxruntime version, recorded in the model's metadata).

Sessions run on one thread, sequentially (the servers run one process per core). Tokens come from
minilm.WordPiece: the `tokenizers` package is no faster here (~14 us a message either way, against
milliseconds for the model) and splits CJK characters and words over 100 characters differently,
so its ids are not the reference's on every message.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper
from safetensors.numpy import load_file

from exobot.nlu.minilm import SentenceEncoder, WordPiece, check_pooling, default_model_dir
from exobot.paths import ROOT

logger = logging.getLogger(__name__)

# Change when the graph, its optimisation or its quantisation changes: cached models built otherwise are rebuilt.
BUILDER_VERSION = "2"
OPSET = 17
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "sentence_embedding"
OUTPUTS = {"mean": OUTPUT, "max": "max_pooled", "cls": "cls_vector"}


def default_cache_dir() -> Path:
    return Path(os.environ.get("SENTENCE_ENCODER_CACHE_DIR") or ROOT / ".cache")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class GraphBuilder:
    """Writes nodes and initializers straight into one ModelProto; each `op` returns its output's name."""

    def __init__(self) -> None:
        self.model = onnx.ModelProto()
        self.names: Dict[str, int] = {}

    def fresh(self, hint: str) -> str:
        self.names[hint] = self.names.get(hint, -1) + 1
        return f"{hint}_{self.names[hint]}"

    def constant(self, name: str, value: np.ndarray) -> str:
        """An initializer (copied once, as raw bytes: protobuf copies of 90 MB are slow)."""
        tensor = self.model.graph.initializer.add()
        tensor.name = name
        tensor.data_type = helper.np_dtype_to_tensor_dtype(value.dtype)
        tensor.dims.extend(value.shape)
        tensor.raw_data = np.asarray(value, order="C").tobytes()
        return name

    def scalar(self, value: float, dtype=np.float32) -> str:
        return self.constant(self.fresh("const"), np.array(value, dtype=dtype))

    def ints(self, values: Sequence[int]) -> str:
        return self.constant(self.fresh("ints"), np.array(values, dtype=np.int64))

    def op(self, op_type: str, inputs: Sequence[str], hint: Optional[str] = None, **attributes) -> str:
        output = self.fresh(hint or op_type)
        self.node(op_type, inputs, output, **attributes)
        return output

    def node(self, op_type: str, inputs: Sequence[str], output: str, **attributes) -> None:
        self.model.graph.node.append(helper.make_node(op_type, list(inputs), [output], name=output, **attributes))


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
        product = g.op("MatMul", [x, weight(name + ".weight", transpose=True)], hint=name + ".MatMul")
        return g.op("Add", [product, weight(name + ".bias")], hint=name + ".Add")

    def layer_norm(x: str, name: str) -> str:
        return g.op("LayerNormalization", [x, weight(name + ".weight"), weight(name + ".bias")], axis=-1, epsilon=eps)

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

    def split(x: str, name: str, perm: List[int]) -> str:
        """The projection `name` of x, as [batch, heads, tokens, size] for perm [0, 2, 1, 3]."""
        return g.op("Transpose", [g.op("Reshape", [dense(x, name), split_heads])], perm=perm)

    for layer in range(layers):
        prefix = f"encoder.layer.{layer}."

        query = split(hidden, prefix + "attention.self.query", [0, 2, 1, 3])
        key = split(hidden, prefix + "attention.self.key", [0, 2, 3, 1])  # transposed for query @ key
        value = split(hidden, prefix + "attention.self.value", [0, 2, 1, 3])
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

    add_pooled_outputs(g, hidden)

    model = g.model
    model.graph.name = "all-MiniLM-L6-v2"
    model.graph.input.extend(
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"]) for name in INPUTS]
    )
    model.graph.output.extend(
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", width]) for name in OUTPUTS.values()]
    )
    model.ir_version = 8
    model.opset_import.append(helper.make_opsetid("", OPSET))
    model.producer_name = "exobot"
    return model


def add_pooled_outputs(g: GraphBuilder, hidden: str) -> None:
    """The outputs of OUTPUTS, each at unit length: the mean of the real tokens' vectors, the largest value
    of each number over the real tokens, and the first token's vector."""

    def unit_length(x: str, output: str) -> None:
        norm = g.op("Max", [g.op("ReduceL2", [x], axes=[1], keepdims=1), g.scalar(1e-12)])
        g.node("Div", [x, norm], output)

    token_mask = g.op("Cast", [g.op("Unsqueeze", ["attention_mask", g.ints([2])])], to=TensorProto.FLOAT)
    summed = g.op("ReduceSum", [g.op("Mul", [hidden, token_mask]), g.ints([1])], keepdims=0)
    count = g.op("Max", [g.op("ReduceSum", [token_mask, g.ints([1])], keepdims=0), g.scalar(1e-9)])
    unit_length(g.op("Div", [summed, count]), OUTPUTS["mean"])
    padding_down = g.op("Mul", [g.op("Sub", [token_mask, g.scalar(1.0)]), g.scalar(10000.0)])
    unit_length(g.op("ReduceMax", [g.op("Add", [hidden, padding_down])], axes=[1], keepdims=0), OUTPUTS["max"])
    first = g.op("Gather", [hidden, g.constant("first_token", np.array(0, dtype=np.int64))], axis=1)
    unit_length(first, OUTPUTS["cls"])


def optimize(model: onnx.ModelProto, heads: int, width: int, layers: int) -> Tuple[onnx.ModelProto, Dict[str, int]]:
    """ONNX Runtime's BERT fusions, in place; returns the model and the count of each fused operator.

    Symbolic shape inference is switched off: it copies the whole 90 MB model about ten times
    (4 s), and the graph written above needs none of the checks it serves.
    """
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    options.enable_shape_inference = False
    with quiet_onnxruntime_tools():
        optimized = optimize_model(
            model,
            model_type="bert",
            num_heads=heads,
            hidden_size=width,
            opt_level=0,  # fusions only; the session applies ORT's own graph optimisations when loading
            optimization_options=options,
        )
    fused = {name: count for name, count in optimized.get_fused_operator_statistics().items() if count}
    if fused.get("Attention") != layers or fused.get("SkipLayerNormalization") != 2 * layers:
        raise RuntimeError(f"incomplete fusion: {fused}")
    model = optimized.model
    if not any(opset.domain == "com.microsoft" for opset in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return model, fused


def quantize(source: Path, target: Path, nodes_to_exclude: Sequence[str] = ()) -> None:
    """int8 dynamic quantisation: QInt8 weights per output channel for MatMul and fused Attention (except the
    nodes named in `nodes_to_exclude`, left in fp32)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with quiet_onnxruntime_tools():
        quantize_dynamic(
            source,
            target,
            nodes_to_exclude=list(nodes_to_exclude),
            op_types_to_quantize=["MatMul", "Attention"],  # MatMulConstBOnly (the default): weights, not Q x K
            per_channel=True,  # one scale per tensor: mean cosine to the reference 0.96 instead of 0.99
            weight_type=QuantType.QInt8,
            extra_options={"DefaultTensorType": TensorProto.FLOAT},  # for the com.microsoft nodes
        )


class _DropRecords(logging.Filter):
    """Drops onnxruntime's own records below ERROR."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or "onnxruntime" not in record.pathname


@contextmanager
def quiet_onnxruntime_tools() -> Iterator[None]:
    """The optimiser and quantiser log expected warnings (and quantize_dynamic logs to the root logger)."""
    drop = _DropRecords()
    loggers = [logging.getLogger()] + [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if name.startswith(("onnxruntime", "fusion_", "onnx_model", "optimizer"))
    ]
    for each in loggers:
        each.addFilter(drop)
    try:
        yield
    finally:
        for each in loggers:
            each.removeFilter(drop)


@contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` to write to; moved onto `target` (os.replace) when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the servers may run as another user
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def save_atomically(model: onnx.ModelProto, target: Path) -> None:
    with atomic_target(target) as temporary:
        temporary.write_bytes(model.SerializeToString())


class OnnxMiniLM(SentenceEncoder):
    """Drop-in replacement for minilm.MiniLM: `embed(texts)` returns one unit-length vector per text."""

    # Every model file built in this process, with the seconds it took (for tests and the benchmark).
    builds: List[Tuple[Path, float]] = []

    def __init__(
        self,
        model_dir: Optional[Path] = None,
        quantized: bool = False,
        cache_dir: Optional[Path] = None,
        pooling: Sequence[str] = ("mean",),
    ) -> None:
        self.pooling = check_pooling(pooling)
        self.outputs = [OUTPUTS[name] for name in self.pooling]
        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        self.weights_file = self.model_dir / "model.safetensors"
        self.quantized = quantized
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        config = json.loads((self.model_dir / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self._width = int(config["hidden_size"])
        self.tokenizer = WordPiece(self.model_dir / "vocab.txt")
        self.weights_sha256 = file_sha256(self.weights_file)
        self.fused: Dict[str, int] = {}
        self.model_file = self._cache_file("int8" if quantized else "opt")
        self.session = self._load()
        self.fused = json.loads(self.session.get_modelmeta().custom_metadata_map.get("fused", "{}"))

    @property
    def weights_key(self) -> str:
        """SHA-256 of the weights file, as MiniLM's (fp32 vectors agree to ~1e-6); int8 vectors are marked apart."""
        return self.weights_sha256 + ("-int8-one-at-a-time" if self.quantized else "")

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """int8: one text at a time, as served.

        Dynamic quantisation scales each activation by the largest value in the whole batch, so in a
        batch a text's vector would depend on the texts beside it (over the training data: cosine 0.9925 to
        its vector alone on average, 0.967 at worst), and training would see other vectors than serving.
        """
        return super().embed(texts, batch_size=1 if self.quantized else batch_size)

    @property
    def width(self) -> int:
        return self._width

    def _pools(self, ids: np.ndarray, mask: np.ndarray) -> Dict[str, np.ndarray]:
        views = self.session.run(self.outputs, {"input_ids": ids, "attention_mask": mask})
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
            except Exception as error:  # e.g. a file cut short by a full disk
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
        """Write self.model_file: the fused fp32 model, or its int8 quantisation (building the fp32 one if needed)."""
        start = time.perf_counter()
        fp32_file = self._cache_file("opt")
        if not self.quantized or not self._is_current(fp32_file):
            self._build_fp32(fp32_file)
        if self.quantized:
            with atomic_target(self.model_file) as temporary:
                quantize(fp32_file, temporary)
            OnnxMiniLM.builds.append((self.model_file, time.perf_counter() - start))
        logger.info("Built %s in %.1f s.", self.model_file, time.perf_counter() - start)

    def _build_fp32(self, target: Path) -> None:
        start = time.perf_counter()
        try:
            model, fused = optimize(build_graph(self.model_dir), self.heads, self._width, self.layers)
        except Exception as error:
            logger.warning("ONNX Runtime's transformer fusion failed (%s): using the unfused graph.", error)
            model, fused = build_graph(self.model_dir), {}
        helper.set_model_props(
            model, {"builder": self._builder_tag(), "weights_sha256": self.weights_sha256, "fused": json.dumps(fused)}
        )
        save_atomically(model, target)
        OnnxMiniLM.builds.append((target, time.perf_counter() - start))

    def _is_current(self, path: Path) -> bool:
        """Whether `path` is a model built by this builder (parses the file: ~0.2 s)."""
        if not path.exists():
            return False
        try:
            model = onnx.load(str(path), load_external_data=False)
        except Exception:
            return False
        return {prop.key: prop.value for prop in model.metadata_props}.get("builder") == self._builder_tag()


__all__ = ["OnnxMiniLM", "add_pooled_outputs", "build_graph", "default_cache_dir"]
