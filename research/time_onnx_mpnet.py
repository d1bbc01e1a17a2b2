"""Time one message through the encoder on ONNX Runtime: shipped MiniLM int8 vs all-mpnet-base-v2 fp32 and int8.

    .venv/bin/python -m research.time_onnx_mpnet [--rounds 3]

`embed_one` on the 50 made-up short visitor questions of research/time_mpnet.py, pooling [mean, max, cls],
after a warm-up; the three encoders take turns question by question, so they see the same machine load.
Each session runs on one thread. Prints median and p95 ms, and the load average before and after.
"""

from __future__ import annotations

import argparse
import os

from exobot.nlu.onnx_minilm import OnnxMiniLM
from research.onnx_mpnet import OnnxMPNet
from research.time_mpnet import POOLING, report, time_in_turns

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
    report(times, encoders["MPNet fp32 (ONNX)"], args.rounds, "one thread per session", BUDGET_MS)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
