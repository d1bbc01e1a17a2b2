"""Train an NLU-only model with one config and score it on the held-out split.

    .venv/bin/python -m research.experiment research/experiments/sparse.yml [--typos]

Writes results/experiments/<name>/ (model, summary.json, rankings.json) and prints
one row of the table in docs/nlu.md, with the training time.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from exobot.paths import ROOT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--nlu", type=Path, default=ROOT / "tests" / "nlu" / "test_nlu.yml")
    args = parser.parse_args()
    name = args.config.stem
    out = ROOT / "results" / "experiments" / name
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    rasa = [sys.executable, "-m", "exobot.server"]

    start = time.monotonic()
    subprocess.run(
        [
            *rasa,
            "train",
            "nlu",
            "--config",
            str(args.config),
            "--nlu",
            "data/nlu",
            "--out",
            str(out),
            "--fixed-model-name",
            "model",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    train_seconds = time.monotonic() - start
    subprocess.run(
        [
            sys.executable,
            "-m",
            "research.evaluate",
            "--model",
            str(out / "model.tar.gz"),
            "--nlu",
            str(args.nlu),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    summary = json.loads((out / "summary.json").read_text())
    summary["train_seconds"] = round(train_seconds)
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"| {name} | {summary['in_scope_accuracy']:.1%} | {summary['out_of_scope_recall']:.1%} | "
        f"{summary['accuracy']:.1%} | {summary['macro_f1']:.3f} | {summary['train_seconds']} s |"
    )


if __name__ == "__main__":
    main()
