"""One training started in the console, in its own process: `make train`'s gated training, then the model kept.

    python -m exobot.console.training_job --models models --data data --by NAME --result FILE

The model serving before is kept in models/history/ first (so it can be rolled back to). An accepted model
is loaded into the running bot (exobot.tools.train with swap=True: RASA_URL and the API token) and kept too.
The outcome (accepted, unchanged, refused) goes to --result as JSON.
"""

import argparse
import json
import sys
import time
from pathlib import Path

from exobot.quiet import quiet_dependency_warnings


def write_result(path: Path, outcome: str, message: str = "") -> None:
    """The outcome for the console to read."""
    path.write_text(json.dumps({"outcome": outcome, "message": message}), encoding="utf-8")


def main() -> int:
    """Keep the serving model, train, keep the new model if it was accepted."""
    quiet_dependency_warnings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--by", required=True, help="the member of staff who started it")
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args()

    from exobot.console.training import digest, keep, keep_serving
    from exobot.tools.train import TrainingRefused, model_path, train

    keep_serving(args.models)
    before = digest(model_path(args.models))
    try:
        train(models_dir=args.models, data_dir=args.data, swap=True)
    except TrainingRefused as refusal:
        print(f"error: {refusal}", flush=True)
        write_result(args.result, "refused", str(refusal))
        return 1
    if digest(model_path(args.models)) == before:
        write_result(args.result, "unchanged")
        return 0
    keep(args.models, args.by, "trained", time.time())
    write_result(args.result, "accepted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
