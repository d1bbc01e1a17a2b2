"""Time training: from scratch, and after staff add a handful of examples (finetuning).

    .venv/bin/python scripts/bench_train.py [--incremental-only]     (or: make bench-train; about 5 minutes)

Works on copies in a temporary folder: the serving model and data/ stay as they are. Prints JSON and
a table: seconds to validate and train, seconds to score on the held-out split, and the scores.
"""
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import train_if_stale  # noqa: E402
from scripts.nlu_files import add_examples, file_of_intent  # noqa: E402

NEW_EXAMPLES = {
    "ask_skin_rejuvenation": ["will it sort out my crepey neck", "any good for tired looking skin"],
    "ask_hair_restoration": ["my parting is getting wider, would exosomes help"],
    "ask_cost": ["ballpark figure for a session please"],
    "out_of_scope": ["can you recommend a good hairdresser"],
}


def timed_training(models: Path, data: Path, full: bool) -> dict:
    timings: dict = {}
    started = time.monotonic()
    train_if_stale.train(models_dir=models, data_dir=data, full=full, gate=False, timings=timings)
    timings["total_seconds"] = round(time.monotonic() - started, 1)
    return timings


def main() -> None:
    only_incremental = "--incremental-only" in sys.argv[1:]
    serving = train_if_stale.train()  # the serving model must be up to date to finetune from it
    results = {}
    with tempfile.TemporaryDirectory(prefix="exosome-bench-train-") as folder:
        folder = Path(folder)
        data = folder / "data"
        shutil.copytree(ROOT / "data", data)
        models = folder / "models"
        models.mkdir()
        for stamp in serving.parent.glob(f"{train_if_stale.MODEL_NAME}.*"):
            shutil.copy(stamp, models / stamp.name)
        for intent, texts in NEW_EXAMPLES.items():
            add_examples(file_of_intent(intent, data / "nlu"), intent, texts)
        print("==> after adding 5 examples (finetuning the serving model)", file=sys.stderr)
        results["incremental"] = timed_training(models, data, full=False)
        if not only_incremental:
            print("==> from scratch", file=sys.stderr)
            results["full"] = timed_training(folder / "full", data, full=True)
    print(json.dumps(results, indent=1))
    print("| training | mode | validate + train (s) | score (s) | total (s) | in-scope accuracy | out-of-scope recall |")
    print("|---|---|---|---|---|---|---|")
    for name, t in results.items():
        print(f"| {name} | {t['mode']} | {t['train_seconds']} | {t['score_seconds']} | {t['total_seconds']} | "
              f"{t['scores']['in_scope_accuracy']:.1%} | {t['scores']['out_of_scope_recall']:.1%} |")


if __name__ == "__main__":
    main()
