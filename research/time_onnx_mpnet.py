"""Time one message through the encoder on ONNX Runtime: shipped MiniLM int8 vs all-mpnet-base-v2 fp32 and int8.

    .venv/bin/python -m research.time_onnx_mpnet [--rounds 3]

`embed_one` on the 50 made-up short visitor questions of research/time_mpnet.py, pooling [mean, max, cls],
after a warm-up; the three encoders take turns question by question, so they see the same machine load.
Each session runs on one thread. Prints median and p95 ms, and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics

from exobot.nlu.onnx_minilm import OnnxMiniLM
from research.onnx_mpnet import OnnxMPNet
from research.time_mpnet import POOLING, QUESTIONS, percentile, time_in_turns

BUDGET_MS = 40.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the 50 questions")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    encoders = {
        "MiniLM int8 (shipped)": OnnxMiniLM(quantized=True, pooling=POOLING),
        "MPNet fp32 (ONNX)": OnnxMPNet(pooling=POOLING),
        "MPNet int8 (ONNX)": OnnxMPNet(quantized=True, pooling=POOLING),
    }
    times = time_in_turns(encoders, args.rounds)
    tokens = [len(encoders["MPNet fp32 (ONNX)"].tokenizer.encode(question)) for question in QUESTIONS]
    print(
        f"{len(QUESTIONS)} questions x {args.rounds} rounds, pooling {list(POOLING)}, MPNet tokens "
        f"{min(tokens)}-{max(tokens)} (median {statistics.median(tokens)}); one thread per session"
    )
    for name, values in times.items():
        p95 = percentile(values, 95)
        print(
            f"{name:22s} median {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms   "
            f"mean {statistics.mean(values):6.1f} ms   max {max(values):6.1f} ms   "
            f"{'within' if p95 <= BUDGET_MS else 'OVER'} the {BUDGET_MS:.0f} ms p95 budget"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
