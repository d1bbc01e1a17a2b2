"""exobot/console/training.py: the last five models kept, rollback into the running bot, one training at a time."""

import http.server
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator, List

import pytest

from exobot.console import training
from exobot.console.training import Busy, Trainer, history, keep, keep_serving, roll_back, score_changes, training_lock
from exobot.tools.train import MODEL_NAME, model_path


def serve_model(models: Path, content: bytes, accuracy: float) -> None:
    """Pretend `make train` installed a model."""
    models.mkdir(parents=True, exist_ok=True)
    model_path(models).write_bytes(content)
    scores = {"summary": {"in_scope_accuracy": accuracy, "out_of_scope_recall": 0.9}, "per_intent": {}}
    (models / f"{MODEL_NAME}.scores.json").write_text(json.dumps(scores))


class FakeRasa(http.server.BaseHTTPRequestHandler):
    """Answers PUT /model as Rasa does (204), and remembers the requests."""

    calls: List[tuple] = []

    def do_PUT(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeRasa.calls.append((self.path, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def rasa(monkeypatch) -> Iterator[str]:
    monkeypatch.setenv("RASA_AUTH_TOKEN", "secret-token")
    FakeRasa.calls = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_serving_model_is_kept_once_and_only_the_newest_five_stay(tmp_path):
    models = tmp_path / "models"
    serve_model(models, b"first", 0.90)
    assert keep_serving(models).kind == "found"
    assert keep_serving(models) is None  # already kept

    for number in range(6):
        serve_model(models, f"model {number}".encode(), (91 + number) / 100)
        keep(models, "alice", "trained", time.time() + number)

    kept = history(models)
    assert len(kept) == 5 and len(list((models / "history").glob("*"))) == 15
    assert kept[0].serving and not any(model.serving for model in kept[1:])
    assert [model.scores["summary"]["in_scope_accuracy"] for model in kept] == [0.96, 0.95, 0.94, 0.93, 0.92]
    assert kept[0].trained_by == "alice" and kept[0].path.read_bytes() == b"model 5"


def test_rolling_back_makes_a_kept_model_the_serving_one_and_loads_it_into_the_bot(tmp_path, rasa):
    models = tmp_path / "models"
    serve_model(models, b"old model", 0.95)
    old = keep_serving(models)
    serve_model(models, b"new model", 0.97)
    keep(models, "alice", "trained", time.time() + 1)

    assert roll_back(models, old.stamp, rasa) == "loaded"

    assert model_path(models).read_bytes() == b"old model"
    assert training.serving_scores(models)["summary"]["in_scope_accuracy"] == 0.95
    assert [model.serving for model in history(models)] == [False, True]
    path, body = FakeRasa.calls[0]
    assert path == "/model?token=secret-token" and body == {"model_file": str(model_path(models).resolve())}


def test_rolling_back_without_a_running_bot_still_changes_the_serving_file(tmp_path):
    models = tmp_path / "models"
    serve_model(models, b"old model", 0.95)
    old = keep_serving(models)
    serve_model(models, b"new model", 0.97)

    assert roll_back(models, old.stamp, "http://127.0.0.1:9") == "no_bot"
    assert model_path(models).read_bytes() == b"old model"
    with pytest.raises(KeyError):
        roll_back(models, "../../etc/passwd", "http://127.0.0.1:9")


def test_a_training_in_progress_blocks_rollbacks_and_new_trainings(tmp_path):
    models = tmp_path / "models"
    serve_model(models, b"model", 0.95)
    old = keep_serving(models)
    with training_lock(models):  # as `make train` holds it
        with pytest.raises(Busy):
            roll_back(models, old.stamp, "http://127.0.0.1:9")
        with pytest.raises(Busy):
            Trainer(models, tmp_path, "http://127.0.0.1:9", lambda run: None).start("alice")


def test_only_one_training_runs_at_a_time_and_its_end_is_reported(tmp_path, monkeypatch):
    models = tmp_path / "models"
    serve_model(models, b"model", 0.95)
    finished = []
    trainer = Trainer(models, tmp_path, "http://127.0.0.1:9", finished.append)

    def launch(staff: str, result: Path) -> subprocess.Popen:
        """A stand-in for the training job: a line of progress, a pause, then its outcome."""
        code = (
            "import time, pathlib; print('==> working', flush=True); time.sleep(1.5); "
            f'pathlib.Path({str(result)!r}).write_text(\'{{"outcome": "unchanged"}}\')'
        )
        return subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    monkeypatch.setattr(trainer, "_launch", launch)
    run = trainer.start("alice")
    with pytest.raises(Busy):
        trainer.start("bob")
    deadline = time.monotonic() + 30
    while run.running and time.monotonic() < deadline:
        time.sleep(0.1)

    assert run.outcome == "unchanged" and run.steps == ["==> working"] and finished == [run]
    assert trainer.start("bob").started_by == "bob"


def test_score_changes_list_the_summary_and_the_intents_whose_f1_moved():
    before = {"summary": {"in_scope_accuracy": 0.95}, "per_intent": {"a": {"f1-score": 0.9}, "b": {"f1-score": 0.8}}}
    after = {"summary": {"in_scope_accuracy": 0.96}, "per_intent": {"a": {"f1-score": 0.9}, "b": {"f1-score": 0.7}}}

    summary, changed = score_changes(before, after)

    assert summary == [("in_scope_accuracy", 0.95, 0.96)]
    assert changed == [("b", 0.8, 0.7)]
    assert score_changes(None, after) == ([], [])
