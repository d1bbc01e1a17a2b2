"""Teach the bot from the console: the gated training of `make train` in the background, the last five models
kept in models/history/, and a rollback that loads an earlier one into the running bot.

One training runs at a time: the console refuses a second start, and exobot.tools.train takes a file lock
(models/.training.lock) that `make train` shares. The training itself runs in its own process
(python -m exobot.console.training_job), so Rasa and TensorFlow never load into the console.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import requests

from exobot.paths import ROOT
from exobot.tools.train import MODEL_NAME, model_path

HISTORY = "history"
KEEP = 5
STAMP_FORMAT = "%Y%m%d-%H%M%S"
SUMMARY_SCORES = ("in_scope_accuracy", "out_of_scope_recall", "macro_f1", "accuracy")
F1_CHANGE = 0.005
LOG_LINES = 400


class Busy(Exception):
    """A training (from the console or `make train`) is running."""


@dataclass(frozen=True)
class Model:
    """A model kept in models/history/: when it was kept, who trained it, its scores, whether it is serving."""

    stamp: str
    path: Path
    at: float
    trained_by: str
    kind: str  # "trained" (by the console) or "found" (serving when the console first saw it)
    scores: Optional[Dict]
    serving: bool = False


@dataclass
class TrainingRun:
    """One training started in the console, while it runs and after."""

    started_by: str
    started_at: float
    before: Optional[Dict]
    outcome: str = "running"  # then accepted, unchanged, refused or failed
    finished_at: Optional[float] = None
    after: Optional[Dict] = None
    message: str = ""
    lines: List[str] = field(default_factory=list)

    @property
    def steps(self) -> List[str]:
        """The training's own progress lines (those starting with ==>), without Rasa's output."""
        return [line for line in self.lines if line.startswith("==>")]

    @property
    def running(self) -> bool:
        """Whether it has not finished yet."""
        return self.outcome == "running"


@lru_cache(maxsize=64)
def _digest(path: Path, modified: int, size: int) -> str:
    """SHA-256 of a file (cached while its time and size are unchanged)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digest(path: Path) -> str:
    """SHA-256 of a file, or "" if there is none."""
    if not path.is_file():
        return ""
    status = path.stat()
    return _digest(path.resolve(), status.st_mtime_ns, status.st_size)


def read_json(path: Path) -> Optional[Dict]:
    """A JSON file's content, or None if it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def serving_scores(models_dir: Path) -> Optional[Dict]:
    """The scores of the serving model, as `make train` stored them."""
    return read_json(models_dir / f"{MODEL_NAME}.scores.json")


def history(models_dir: Path) -> List[Model]:
    """The kept models, newest first, the serving one marked."""
    folder = models_dir / HISTORY
    serving = digest(model_path(models_dir))
    kept = []
    for path in sorted(folder.glob("*.tar.gz"), reverse=True):
        stamp = path.name[: -len(".tar.gz")]
        about = read_json(folder / f"{stamp}.about.json") or {}
        kept.append(
            Model(
                stamp=stamp,
                path=path,
                at=float(about.get("at") or path.stat().st_mtime),
                trained_by=str(about.get("trained_by") or ""),
                kind=str(about.get("kind") or "found"),
                scores=read_json(folder / f"{stamp}.scores.json"),
                serving=bool(serving) and digest(path) == serving,
            )
        )
    return kept


def _new_stamp(folder: Path, at: float) -> str:
    """A name for a kept model from its time, unique in the folder."""
    base = datetime.fromtimestamp(at).strftime(STAMP_FORMAT)
    stamp, number = base, 1
    while (folder / f"{stamp}.tar.gz").exists():
        number += 1
        stamp = f"{base}-{number}"
    return stamp


def keep(models_dir: Path, trained_by: str, kind: str, at: float) -> Model:
    """Copy the serving model and its scores into the history, then delete all but the newest five."""
    folder = models_dir / HISTORY
    folder.mkdir(parents=True, exist_ok=True)
    stamp = _new_stamp(folder, at)
    _copy_atomically(model_path(models_dir), folder / f"{stamp}.tar.gz")
    scores = models_dir / f"{MODEL_NAME}.scores.json"
    if scores.exists():
        shutil.copyfile(scores, folder / f"{stamp}.scores.json")
    about = {"at": at, "trained_by": trained_by, "kind": kind, "sha256": digest(model_path(models_dir))}
    (folder / f"{stamp}.about.json").write_text(json.dumps(about, indent=1) + "\n", encoding="utf-8")
    prune(models_dir)
    return next(model for model in history(models_dir) if model.stamp == stamp)


def keep_serving(models_dir: Path) -> Optional[Model]:
    """Keep the serving model if it is not in the history yet (trained by `make train`, or before the console)."""
    serving = model_path(models_dir)
    if not serving.exists() or any(model.serving for model in history(models_dir)):
        return None
    return keep(models_dir, "", "found", serving.stat().st_mtime)


def prune(models_dir: Path, count: int = KEEP) -> None:
    """Delete the kept models beyond the newest `count`."""
    for model in history(models_dir)[count:]:
        for suffix in (".tar.gz", ".scores.json", ".about.json"):
            (model.path.parent / f"{model.stamp}{suffix}").unlink(missing_ok=True)


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy a file so that readers see the old or the new file, never half of one."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def training_lock(models_dir: Path) -> Iterator[None]:
    """Hold the lock `make train` takes, or raise Busy if a training holds it."""
    models_dir.mkdir(parents=True, exist_ok=True)
    with open(models_dir / ".training.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(str(models_dir)) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def load_into_bot(model: Path, rasa_url: str, timeout: float = 120) -> str:
    """PUT /model with the API token, as train.hot_swap does: loaded, no_bot or refused."""
    from exobot.api_token import api_token

    try:
        reply = requests.put(
            f"{rasa_url}/model",
            params={"token": api_token()},
            json={"model_file": str(model.resolve())},
            timeout=timeout,
        )
    except requests.RequestException:
        return "no_bot"
    return "loaded" if reply.status_code == 204 else "refused"


def roll_back(models_dir: Path, stamp: str, rasa_url: str) -> str:
    """Make a kept model the serving model file and load it into the running bot; the bot's answer (see above)."""
    chosen = next((model for model in history(models_dir) if model.stamp == stamp), None)
    if chosen is None:
        raise KeyError(stamp)
    with training_lock(models_dir):
        _copy_atomically(chosen.path, model_path(models_dir))
        scores = chosen.path.parent / f"{stamp}.scores.json"
        if scores.exists():
            _copy_atomically(scores, models_dir / f"{MODEL_NAME}.scores.json")
        return load_into_bot(model_path(models_dir), rasa_url)


def score_changes(before: Optional[Dict], after: Optional[Dict]) -> Tuple[List[Tuple], List[Tuple]]:
    """(summary scores before and after, intents whose F1 changed with old and new F1) of two score files."""
    if not before or not after:
        return [], []
    summary = [
        (name, before["summary"].get(name), after["summary"].get(name))
        for name in SUMMARY_SCORES
        if name in before.get("summary", {}) or name in after.get("summary", {})
    ]
    intents = sorted(set(_per_intent_f1(before)) | set(_per_intent_f1(after)))
    old, new = _per_intent_f1(before), _per_intent_f1(after)
    changed = [
        (intent, old.get(intent, 0.0), new.get(intent, 0.0))
        for intent in intents
        if abs(new.get(intent, 0.0) - old.get(intent, 0.0)) >= F1_CHANGE
    ]
    return summary, sorted(changed, key=lambda row: row[2] - row[1])


def _per_intent_f1(scores: Dict) -> Dict[str, float]:
    """Each intent's F1 in a score file."""
    return {
        name: float(value.get("f1-score", 0.0))
        for name, value in (scores.get("per_intent") or {}).items()
        if isinstance(value, dict) and not name.endswith(" avg")
    }


class Trainer:
    """Starts trainings in the background, one at a time, and remembers the latest."""

    def __init__(
        self, models_dir: Path, data_dir: Path, rasa_url: str, finished: Callable[[TrainingRun], None]
    ) -> None:
        self.models_dir, self.data_dir, self.rasa_url = models_dir, data_dir, rasa_url
        self.finished = finished
        self.latest: Optional[TrainingRun] = None
        self._lock = threading.Lock()
        self._process: Optional[subprocess.Popen] = None

    @property
    def running(self) -> bool:
        """Whether a training started here is running."""
        return self.latest is not None and self.latest.running

    def start(self, staff: str) -> TrainingRun:
        """Start a training in the background; Busy if one runs (here or by `make train`)."""
        with self._lock:
            if self.running:
                raise Busy(str(self.models_dir))
            with training_lock(self.models_dir):
                pass  # free: no `make train` is running
            run = TrainingRun(staff, time.time(), serving_scores(self.models_dir))
            self.latest = run
            handle, result = tempfile.mkstemp(prefix="console-training-", suffix=".json")
            os.close(handle)
            self._process = self._launch(staff, Path(result))
        threading.Thread(target=self._follow, args=(run, self._process, Path(result)), daemon=True).start()
        return run

    def _launch(self, staff: str, result: Path) -> subprocess.Popen:
        """The training's process, its output in a pipe, its outcome written to `result`."""
        command = [
            sys.executable,
            "-m",
            "exobot.console.training_job",
            "--models",
            str(self.models_dir),
            "--data",
            str(self.data_dir),
            "--by",
            staff,
            "--result",
            str(result),
        ]
        environment = {**os.environ, "RASA_URL": self.rasa_url, "PYTHONUNBUFFERED": "1"}
        return subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def _follow(self, run: TrainingRun, process: subprocess.Popen, result_file: Path) -> None:
        """Collect the output until the training ends, then record its outcome."""
        for line in process.stdout:
            run.lines.append(line.rstrip())
            del run.lines[:-LOG_LINES]
        process.wait()
        result = read_json(result_file) or {}
        result_file.unlink(missing_ok=True)
        run.message = str(result.get("message") or "")
        run.after = serving_scores(self.models_dir)
        run.finished_at = time.time()
        run.outcome = str(result.get("outcome") or "failed")
        self.finished(run)

    def stop(self) -> None:
        """End a running training (the console is stopping)."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
