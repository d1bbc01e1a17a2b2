"""Time training: after staff add a handful of examples, and a first training with empty caches.

    .venv/bin/python -m bench.bench_train [--incremental-only]     (or: make bench-train; about 5 minutes)

Works on copies in a temporary folder: the serving model and data/ stay as they are. Prints JSON and
a table: seconds to validate and train, seconds to score on the held-out split, and the scores.
The incremental training uses the caches as `make train` does (Rasa's .rasa/cache and the sentence
encoder's .cache/); the first training gets empty ones, as on a fresh machine.
"""

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from exobot.paths import ROOT
from exobot.tools import train
from exobot.tools.nlu_files import add_examples, file_of_intent

NEW_EXAMPLES = {
    "ask_skin_rejuvenation": ["will it sort out my crepey neck", "any good for tired looking skin"],
    "ask_hair_restoration": ["my parting is getting wider, would exosomes help"],
    "ask_cost": ["ballpark figure for a session please"],
    "out_of_scope": ["can you recommend a good hairdresser"],
}


def timed_training(models: Path, data: Path, full: bool, mode: str) -> dict:
    timings: dict = {"mode": mode}
    started = time.monotonic()
    train.train(models_dir=models, data_dir=data, full=full, gate=False, timings=timings)
    timings["total_seconds"] = round(time.monotonic() - started, 1)
    return timings


def main() -> None:
    only_incremental = "--incremental-only" in sys.argv[1:]
    serving = train.train()  # the serving model must be up to date: the gate compares with it
    results = {}
    with tempfile.TemporaryDirectory(prefix="exosome-bench-train-") as folder:
        folder = Path(folder)
        data = folder / "data"
        shutil.copytree(ROOT / "data", data)
        models = folder / "models"
        models.mkdir()
        for stamp in serving.parent.glob(f"{train.MODEL_NAME}.*"):
            shutil.copy(stamp, models / stamp.name)
        for intent, texts in NEW_EXAMPLES.items():
            add_examples(file_of_intent(intent, data / "nlu"), intent, texts)
        print("==> after adding 5 examples (caches as they are)", file=sys.stderr)
        results["incremental"] = timed_training(models, data, full=False, mode="warm caches")
        if not only_incremental:
            print("==> first training (empty caches)", file=sys.stderr)
            os.environ["RASA_CACHE_DIRECTORY"] = str(folder / "rasa-cache")
            os.environ["SENTENCE_ENCODER_CACHE_DIR"] = str(folder / "encoder-cache")
            results["full"] = timed_training(folder / "full", data, full=True, mode="empty caches")
    print(json.dumps(results, indent=1))
    print(
        "| training | mode | validate + train (s) | score (s) | total (s) | in-scope accuracy | out-of-scope recall |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, t in results.items():
        print(
            f"| {name} | {t['mode']} | {t['train_seconds']} | {t['score_seconds']} | {t['total_seconds']} | "
            f"{t['scores']['in_scope_accuracy']:.1%} | {t['scores']['out_of_scope_recall']:.1%} |"
        )


if __name__ == "__main__":
    main()
