"""Benchmark the sentence encoders one message at a time: NumPy (minilm.py), ONNX fp32 and ONNX int8 (onnx_minilm.py).

    .venv/bin/python -m bench.bench_encoder [--messages 400] [--cache-dir DIR] [--unfused]

Embeds `--messages` messages of data/nlu (spread over every file) with `embed_one`, as the Rasa
component does for each visitor message, tokenising included. The encoders take turns on each
message (each first in turn), so a busy machine slows them alike. Prints JSON and a table: p50,
p95 and mean milliseconds per message, the cosine similarity of each encoder's vectors to NumPy's,
and the seconds to load each encoder (building its ONNX model when it is not cached yet).
`--unfused` adds the ONNX graph without onnxruntime.transformers' fusions (ORT_ENABLE_ALL only).
"""

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np

from exobot.nlu.minilm import MiniLM
from exobot.nlu.onnx_minilm import OnnxMiniLM, build_graph
from exobot.tools.nlu_files import read_examples, training_files

WARM_UP = 20


def percentile(values: List[float], share: float) -> float:
    """Nearest rank, as bench.bench.percentile, to 0.01 ms (these latencies are a few milliseconds)."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))], 2)


def sample_messages(count: int) -> List[str]:
    texts = list(dict.fromkeys(example.text for example in read_examples(training_files())))
    return [texts[int(index)] for index in np.linspace(0, len(texts) - 1, min(count, len(texts)))]


def unfused(onnx_encoder: OnnxMiniLM) -> Callable[[str], np.ndarray]:
    """embed_one with the plain graph (no transformer fusions), built in memory."""
    model_file = onnx_encoder.cache_dir / "bench-unfused.onnx"
    model_file.write_bytes(build_graph(onnx_encoder.model_dir).SerializeToString())
    try:
        session = OnnxMiniLM._session(model_file)
    finally:
        model_file.unlink()

    def embed_one(text: str) -> np.ndarray:
        ids = np.array([onnx_encoder.tokenizer.encode(text)], dtype=np.int64)
        return session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]

    return embed_one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--cache-dir", type=Path, default=None, help="for the ONNX models (default as OnnxMiniLM)")
    parser.add_argument("--unfused", action="store_true", help="also time the ONNX graph without fusions")
    args = parser.parse_args()
    texts = sample_messages(args.messages)

    encoders: Dict[str, Callable[[str], np.ndarray]] = {}
    load_seconds: Dict[str, float] = {}
    for name, make in (
        ("numpy", MiniLM),
        ("onnx", lambda: OnnxMiniLM(cache_dir=args.cache_dir)),
        ("onnx_int8", lambda: OnnxMiniLM(quantized=True, cache_dir=args.cache_dir)),
    ):
        start = time.perf_counter()
        encoder = make()
        load_seconds[name] = round(time.perf_counter() - start, 2)
        encoders[name] = encoder.embed_one
        if name == "onnx":
            fused = encoder.fused
            if args.unfused:
                start = time.perf_counter()
                encoders["onnx_unfused"] = unfused(encoder)
                load_seconds["onnx_unfused"] = round(time.perf_counter() - start, 2)

    for text in texts[:WARM_UP]:
        for embed_one in encoders.values():
            embed_one(text)
    latencies: Dict[str, List[float]] = {name: [] for name in encoders}
    vectors: Dict[str, List[np.ndarray]] = {name: [] for name in encoders}
    names = list(encoders)
    for number, text in enumerate(texts):
        # Each encoder goes first in turn: none always follows NumPy (whose BLAS threads spin on after a call).
        for name in names[number % len(names) :] + names[: number % len(names)]:
            start = time.perf_counter()
            vectors[name].append(encoders[name](text))
            latencies[name].append((time.perf_counter() - start) * 1000)

    reference = np.array(vectors["numpy"])
    result = {
        "messages": len(texts),
        "fused_operators": fused,
        "encoders": {
            name: {
                "p50_ms": percentile(latencies[name], 0.50),
                "p95_ms": percentile(latencies[name], 0.95),
                "mean_ms": round(statistics.mean(latencies[name]), 2),
                "speed_up_p50": round(percentile(latencies["numpy"], 0.5) / percentile(latencies[name], 0.5), 1),
                "cosine_min": round(float((np.array(vectors[name]) * reference).sum(axis=1).min()), 5),
                "cosine_mean": round(float((np.array(vectors[name]) * reference).sum(axis=1).mean()), 5),
                "load_seconds": load_seconds[name],
            }
            for name in encoders
        },
    }
    print(json.dumps(result))
    columns = ("p50_ms", "p95_ms", "mean_ms", "speed_up_p50", "cosine_min", "cosine_mean", "load_seconds")
    print(f"\n{len(texts)} messages, one at a time (ms per message, tokenising included)")
    print("| encoder | p50 (ms) | p95 (ms) | mean (ms) | speed-up (p50) | cosine min | cosine mean | load (s) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, row in result["encoders"].items():
        print(f"| {name} | " + " | ".join(str(row[column]) for column in columns) + " |")


if __name__ == "__main__":
    main()
