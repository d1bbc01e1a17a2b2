"""Train the bot safely, and only when its training inputs changed since the last training.

    python -m exobot.tools.train [--full] [--no-gate]      (or: make train, make train FULL=1 / FORCE=1)

1. The inputs (data, config, domain, custom NLU components, pinned dependencies) are hashed; when
   the hash matches the one stored next to the serving model, nothing is done.
2. `rasa data validate` checks the data while training runs; a problem stops everything, naming the file.
3. A candidate model is made in models/candidate/. When only NLU examples changed, up to 50 of them, the
   serving model is taught them (exobot/nlu/incremental.py: only the changed examples are featurised and
   the classifier's fit starts from the serving weights): seconds. Otherwise, and after 10 teaching steps
   or 300 changed examples, `rasa train` trains everything: Rasa's cache and the sentence encoder's
   cache (.cache/) skip the parts whose inputs did not change.
4. The candidate is scored on the held-out split tests/nlu/test_nlu.yml. If its in-scope accuracy
   or out-of-scope recall is more than one point below the serving model's, it is refused: the
   per-intent differences are printed and the serving model stays.
5. An accepted candidate becomes models/exosome-bot.tar.gz, and a running bot (RASA_URL, default
   http://127.0.0.1:5005) loads it without a restart (PUT /model with the API token).
"""

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import requests

from exobot.paths import DATA_DIR, HELD_OUT, MODELS_DIR, ROOT
from exobot.quiet import quiet_dependency_warnings

MODEL_NAME = "exosome-bot"
INPUTS = ["config.yml", "domain.yml", "requirements.lock", "requirements-models.txt", "data", "exobot/nlu"]
ALLOWED_DROP = 0.01


class TrainingRefused(Exception):
    """The data is invalid or the new model is worse than the serving one; the text says why."""


def input_files(names: Iterable[str] = INPUTS, data_dir: Path = DATA_DIR) -> List[Path]:
    """Every file whose content changes what training produces."""
    files: List[Path] = []
    for name in names:
        path = data_dir if name == "data" else ROOT / name
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            files.append(path)
    return files


def fingerprint(files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_path(models_dir: Path) -> Path:
    return models_dir / f"{MODEL_NAME}.tar.gz"


def _stamp(models_dir: Path, kind: str) -> Path:
    return models_dir / f"{MODEL_NAME}.{kind}"


def _read_stamp(models_dir: Path, kind: str) -> Optional[str]:
    stamp = _stamp(models_dir, kind)
    return stamp.read_text().strip() if stamp.exists() else None


def base_fingerprint(data_dir: Path) -> str:
    """The fingerprint of every input but the NLU examples (wherever the data folder is): when it is unchanged,
    teaching may do."""
    digest = hashlib.sha256()
    for path in input_files(data_dir=data_dir):
        if not path.is_relative_to(data_dir / "nlu"):
            digest.update(str(path.relative_to(data_dir if path.is_relative_to(data_dir) else ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def teaching_state(models_dir: Path) -> Dict:
    """What the serving model was made from: {"base": base fingerprint, "steps": teaching steps since its
    full training, "changed": examples changed since}; empty when unknown."""
    stamp = _stamp(models_dir, "teaching.json")
    try:
        return json.loads(stamp.read_text()) if stamp.exists() else {}
    except ValueError:
        return {}


def is_stale(models_dir: Path, current: str) -> bool:
    return not model_path(models_dir).exists() or _read_stamp(models_dir, "fingerprint") != current


def _rasa(*arguments: str, **popen: object) -> subprocess.Popen:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "exobot.server", *arguments], cwd=ROOT, env=env, **popen)


def start_validation(data_dir: Path) -> subprocess.Popen:
    """`rasa data validate`, run beside the training (it takes a core for about ten seconds)."""
    print("==> checking the training data and domain (rasa data validate)", flush=True)
    return _rasa(
        "data",
        "validate",
        "--fail-on-warnings",
        "--data",
        str(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish_validation(validation: subprocess.Popen) -> None:
    output, _ = validation.communicate()
    if validation.returncode != 0:
        print(output[-6000:])
        raise TrainingRefused(
            "the training data has problems: see the file names and lines above; the serving model is unchanged"
        )
    print("==> training data and domain: OK", flush=True)


def train_candidate(models_dir: Path, data_dir: Path, validation: subprocess.Popen, parts: Dict) -> Path:
    """`rasa train` into models/candidate/; `parts` gets the seconds each component trained (from Rasa's log)
    and the rest (Rasa's start-up, fingerprints and cache, packing the model)."""
    candidate_dir = models_dir / "candidate"
    shutil.rmtree(candidate_dir, ignore_errors=True)
    print("==> training everything (rasa train)", flush=True)
    started = time.monotonic()
    # --skip-validation: `rasa data validate` runs beside the training (start_validation), not once more inside it.
    training = _rasa(
        "train",
        "--fixed-model-name",
        MODEL_NAME,
        "--out",
        str(candidate_dir),
        "--data",
        str(data_dir),
        "--skip-validation",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    follower = threading.Thread(target=_follow, args=(training, parts), daemon=True)
    follower.start()
    while training.poll() is None:
        if validation.poll() not in (None, 0):  # bad data: no point finishing the training
            training.terminate()
        time.sleep(0.5)
    follower.join(timeout=10)
    if training.returncode != 0:
        raise TrainingRefused("training failed: see the messages above; the serving model is unchanged")
    parts["Rasa (start-up, fingerprints, cache, packing)"] = round(time.monotonic() - started - sum(parts.values()), 1)
    return model_path(candidate_dir)


COMPONENT_LINE = re.compile(r"(Starting to train|Finished training) component '([^']+)'")


def _follow(training: subprocess.Popen, parts: Dict) -> None:
    """Pass Rasa's output on, timing each component from its "Starting" to its "Finished" line."""
    began: Dict[str, float] = {}
    for line in training.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        found = COMPONENT_LINE.search(line)
        if found and found.group(1).startswith("Starting"):
            began[found.group(2)] = time.monotonic()
        elif found and found.group(2) in began:
            name = found.group(2)
            parts[name] = round(parts.get(name, 0.0) + time.monotonic() - began.pop(name), 1)


def evaluate(model: Path, which: str = "the new model") -> Dict:
    from exobot.tools.evaluation import evaluate_model

    print(f"==> scoring {which} on the held-out split ({HELD_OUT.relative_to(ROOT)})", flush=True)
    summary, per_intent = evaluate_model(model, HELD_OUT)
    return {"summary": summary, "per_intent": per_intent, "held_out": fingerprint([HELD_OUT])}


def serving_scores(models_dir: Path) -> Optional[Dict]:
    """The serving model's scores on today's held-out split (scored again if the split changed since)."""
    stored = _stamp(models_dir, "scores.json")
    if not model_path(models_dir).exists():
        return None
    scores = json.loads(stored.read_text()) if stored.exists() else {}
    if scores.get("held_out") != fingerprint([HELD_OUT]):
        scores = evaluate(model_path(models_dir), "the serving model (the held-out split changed)")
        stored.write_text(json.dumps(scores, indent=1) + "\n")
    return scores


def regressions(old: Dict, new: Dict) -> List[str]:
    """What dropped by more than the allowed point, with the per-intent F1 differences."""
    dropped = [
        f"{name}: {old['summary'][name]:.1%} -> {new['summary'][name]:.1%}"
        for name in ("in_scope_accuracy", "out_of_scope_recall")
        if new["summary"][name] < old["summary"][name] - ALLOWED_DROP
    ]
    if not dropped:
        return []

    def f1(report: Dict, intent: str) -> float:
        return report["per_intent"].get(intent, {}).get("f1-score", 0.0)

    intents = [
        name for name, value in old["per_intent"].items() if isinstance(value, dict) and not name.endswith(" avg")
    ]
    changes = sorted((f1(new, intent) - f1(old, intent), intent) for intent in intents)
    dropped += [
        f"  {intent}: F1 {f1(old, intent):.2f} -> {f1(new, intent):.2f}"
        for change, intent in changes
        if abs(change) >= 0.005
    ]
    return dropped


def hot_swap(model: Path) -> None:
    """Load the model into the running bot, if there is one; conversations carry on."""
    from exobot.api_token import api_token

    url = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
    try:
        reply = requests.put(
            f"{url}/model", params={"token": api_token()}, json={"model_file": str(model.resolve())}, timeout=120
        )
    except requests.ConnectionError:
        print(f"==> no bot running at {url}: the next `make run` serves the new model")
        return
    if reply.status_code == 204:
        print(f"==> the running bot at {url} now serves the new model (no restart)")
    else:
        print(
            f"==> warning: the running bot at {url} did not load the new model ({reply.status_code}): restart make run"
        )


def train(
    models_dir: Path = MODELS_DIR,
    full: bool = False,
    gate: bool = True,
    swap: bool = False,
    data_dir: Path = DATA_DIR,
    timings: Optional[Dict] = None,
) -> Path:
    """Train if needed, refusing a model that is worse than the serving one; return the serving model."""
    models_dir.mkdir(parents=True, exist_ok=True)
    with open(models_dir / ".training.lock", "w") as lock:
        if not _try_lock(lock):
            print("==> another training of this bot is running: waiting for it to finish", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        return _train(models_dir, full, gate, swap, data_dir, timings if timings is not None else {})


def _try_lock(lock_file) -> bool:
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _train(models_dir: Path, full: bool, gate: bool, swap: bool, data_dir: Path, timings: Dict) -> Path:
    current = fingerprint(input_files(data_dir=data_dir))
    if not full and not is_stale(models_dir, current):
        print(f"==> model is up to date: {model_path(models_dir)} (data, config and domain unchanged)")
        return model_path(models_dir)
    started = time.monotonic()
    base = base_fingerprint(data_dir)
    state = teaching_state(models_dir)
    taught = None if full else try_teaching(models_dir, data_dir, base, state)
    if taught is not None:
        candidate, step = taught
        timings.update(kind="teaching", parts=step.seconds, iterations=step.iterations, changed=len(step.added))
        state = {"base": base, "steps": state["steps"] + 1, "changed": state["changed"] + _count(step)}
    else:
        validation = start_validation(data_dir)
        try:
            parts: Dict = {}
            candidate = train_candidate(models_dir, data_dir, validation, parts)
        finally:
            finish_validation(validation)
        timings.update(kind="full", parts=parts)
        state = {"base": base, "steps": 0, "changed": 0}
    trained_seconds = time.monotonic() - started
    scores = evaluate(candidate)
    timings.update(
        train_seconds=round(trained_seconds, 1),
        score_seconds=round(time.monotonic() - started - trained_seconds, 1),
        scores=scores["summary"],
    )
    print(
        f"    in-scope accuracy {scores['summary']['in_scope_accuracy']:.1%}, "
        f"out-of-scope recall {scores['summary']['out_of_scope_recall']:.1%}"
    )
    serving = serving_scores(models_dir) if gate else None
    if serving:
        dropped = regressions(serving, scores)
        if dropped:
            raise TrainingRefused(
                "the new model is worse than the serving one, so it was not installed:\n"
                + "\n".join(dropped)
                + f"\nIt is kept in {candidate} for inspection. Check the "
                "examples you added (a wrong intent?); to install it anyway: make train FORCE=1"
            )
    os.replace(candidate, model_path(models_dir))
    _stamp(models_dir, "fingerprint").write_text(current + "\n")
    _stamp(models_dir, "teaching.json").write_text(json.dumps(state) + "\n")
    _stamp(models_dir, "scores.json").write_text(json.dumps(scores, indent=1) + "\n")
    scored_seconds = time.monotonic() - started - trained_seconds
    print(f"==> trained {model_path(models_dir)} in {trained_seconds:.0f} s, scored in {scored_seconds:.0f} s")
    if swap:
        swap_started = time.monotonic()
        hot_swap(model_path(models_dir))
        timings.update(swap_seconds=round(time.monotonic() - swap_started, 1))
    return model_path(models_dir)


def try_teaching(models_dir: Path, data_dir: Path, base: str, state: Dict) -> Optional[tuple]:
    """(candidate model, what was taught) when teaching can make this change, else None (a full training)."""
    from exobot.nlu import incremental  # loads Rasa: not at import (the console imports this module)

    if not model_path(models_dir).exists() or state.get("base") != base:
        return None  # no serving model, or more than NLU examples changed: config, domain, stories, code
    if state.get("steps", 0) >= incremental.MAX_STEPS or state.get("changed", 0) >= incremental.MAX_CHANGED:
        print(f"==> {state['steps']} teaching steps since the last full training: training everything", flush=True)
        return None
    print("==> teaching the serving model the changed examples", flush=True)
    try:
        examples = incremental.read_examples(data_dir)
    except incremental.NeedsFullTraining as reason:
        print(f"==> {reason}: training everything", flush=True)
        return None
    except Exception as problem:  # unreadable YAML: rasa data validate names the file and line
        print(f"==> the training data could not be read ({type(problem).__name__}): checking it", flush=True)
        return None
    clashes = incremental.conflicts(examples)
    if clashes:
        raise TrainingRefused(
            "the same text is an example of two intents (keep it under one):\n  "
            + "\n  ".join(clashes[:20])
            + "\nThe serving model is unchanged."
        )
    candidate = model_path(models_dir / "candidate")
    try:
        step = incremental.teach(model_path(models_dir), examples, candidate, workspace=models_dir)
    except incremental.NeedsFullTraining as reason:
        print(f"==> {reason}: training everything", flush=True)
        return None
    print(
        f"==> taught {len(step.added)} new and {len(step.removed)} removed examples "
        f"({step.iterations} iterations; {', '.join(f'{k} {v:.1f} s' for k, v in step.seconds.items())})",
        flush=True,
    )
    if state["changed"] + _count(step) > incremental.MAX_CHANGED:
        print("==> (the next change trains everything: many examples changed since the last full training)")
    return candidate, step


def _count(step) -> int:
    """Examples changed in a teaching step (an edited example counts once)."""
    return max(len(step.added), len(step.removed))


def main() -> int:
    quiet_dependency_warnings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="train even if the inputs are unchanged")
    parser.add_argument("--no-gate", action="store_true", help="install the new model even if it scores worse")
    parser.add_argument("--no-swap", action="store_true", help="do not load the new model into a running bot")
    args = parser.parse_args()
    try:
        train(full=args.full, gate=not args.no_gate, swap=not args.no_swap)
    except TrainingRefused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
