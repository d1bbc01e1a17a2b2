"""The trained model: NLU quality gate on the held-out split, and the conversation tests."""
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
MINIMUM_ACCURACY = 0.90


def rasa(*args: str) -> subprocess.CompletedProcess:
    command: List[str] = [str(Path(sys.executable).parent / "rasa"), *args]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)


@pytest.fixture(scope="session")
def nlu_report(trained_model: Path) -> dict:
    out = RESULTS / "nlu"
    result = rasa("test", "nlu", "--model", str(trained_model), "--nlu", "tests/nlu/test_nlu.yml", "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "intent_report.json").read_text())


def test_held_out_intent_accuracy_meets_the_gate(nlu_report):
    errors = json.loads((RESULTS / "nlu" / "intent_errors.json").read_text())
    summary = [f"{e['text']!r}: {e['intent']} -> {e['intent_prediction']['name']}" for e in errors]
    print(f"held-out accuracy {nlu_report['accuracy']:.3f}; misclassified:\n" + "\n".join(summary))
    assert nlu_report["accuracy"] >= MINIMUM_ACCURACY


def test_conversation_tests_pass(trained_model):
    result = rasa(
        "test", "core", "--model", str(trained_model), "--stories", "tests/test_stories.yml",
        "--fail-on-prediction-errors", "--out", str(RESULTS / "core"),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
