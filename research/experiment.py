"""Train an NLU-only model with one config and score it on every evaluation set, as the bot serves it.

    .venv/bin/python -m research.experiment research/experiments/<name>.yml [--data data/nlu] [--skip-unseen]

Scores (fallback included, research/evaluate.py's rules) on the held-out split, the two development
sets (research/data/dev_visitors.yml and dev_chatlogs.yml: the ones to tune against), the independent
set (tests/nlu/unseen.yml: score each candidate once, never tune on it) and typo copies of the first
development set and the independent set; also the wrong-topic rate, how often "Did you mean ...?"
offered the right topic, the share of out-of-scope messages given an exosome answer, and the parse
time per message.
Writes results/experiments/<name>/summary.json and prints one row of the table in docs/nlu.md.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict

from exobot.paths import HELD_OUT, RESULTS_DIR, ROOT, UNSEEN
from exobot.quiet import quiet_dependency_warnings
from exobot.tools.evaluation import load_examples, parse_all, serving_scores

DEV = ROOT / "research" / "data" / "dev_visitors.yml"
DEV_CHATLOGS = ROOT / "research" / "data" / "dev_chatlogs.yml"
TYPO_SEED = 13


def typo_copy(source: Path, target: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "research.typos", str(source), str(target), "--seed", str(TYPO_SEED)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return target


def evaluate_on(model: Path, nlu: Path) -> Dict:
    examples = load_examples(nlu)
    started = time.perf_counter()
    parsed = asyncio.run(parse_all(model, [text for text, _ in examples]))
    seconds = time.perf_counter() - started
    summary = serving_scores(examples, parsed)
    summary.update(mean_parse_ms=1000 * seconds / len(examples))
    return summary


def main() -> None:
    quiet_dependency_warnings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--skip-unseen", action="store_true", help="score only the held-out split and development sets")
    args = parser.parse_args()
    name = args.config.stem
    out = RESULTS_DIR / "experiments" / name
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    start = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "exobot.server",
            "train",
            "nlu",
            "--config",
            str(args.config),
            "--nlu",
            str(args.data),
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
    model = out / "model.tar.gz"
    sets = {
        "held_out": HELD_OUT,
        "dev": DEV,
        "dev_chatlogs": DEV_CHATLOGS,
        "dev_typos": typo_copy(DEV, out / "dev_typos.yml"),
    }
    if not args.skip_unseen:
        sets.update(unseen=UNSEEN, unseen_typos=typo_copy(UNSEEN, out / "unseen_typos.yml"))
    results = {key: evaluate_on(model, path) for key, path in sets.items()}
    results["train_seconds"] = round(train_seconds)
    (out / "summary.json").write_text(json.dumps(results, indent=2) + "\n")
    row = [name]
    for key in ("held_out", "dev", "dev_chatlogs", "unseen"):
        if key in results:
            r = results[key]
            row += [
                f"{r['in_scope_accuracy']:.1%}",
                f"{r['out_of_scope_recall']:.1%}",
                f"{r['macro_f1']:.3f}",
                f"{r['wrong_topic_rate']:.1%}",
                f"{r['exosome_answer_rate']:.1%}",
            ]
    for key, base in (("dev_typos", "dev"), ("unseen_typos", "unseen")):
        if key in results:
            row.append(f"{results[base]['accuracy'] - results[key]['accuracy']:+.1%}")
    row += [
        f"{statistics.mean(r['mean_parse_ms'] for k, r in results.items() if isinstance(r, dict)):.1f} ms",
        f"{results['train_seconds']} s",
    ]
    print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
