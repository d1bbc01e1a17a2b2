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


def run(*command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run(list(command), cwd=ROOT, capture_output=True, text=True, env=env)


def rasa(*args: str) -> subprocess.CompletedProcess:
    return run(str(Path(sys.executable).parent / "rasa"), *args)


@pytest.fixture(scope="session")
def held_out_summary(trained_model: Path) -> dict:
    """scripts/evaluate.py on the held-out split: predictions exactly as the bot serves them."""
    out = RESULTS / "heldout"
    result = run(sys.executable, "scripts/evaluate.py", "--model", str(trained_model), "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    print(result.stdout)
    return json.loads((out / "summary.json").read_text())


def test_held_out_accuracy_meets_the_gate(held_out_summary):
    misclassified = (RESULTS / "heldout" / "misclassified.csv").read_text()
    print(f"held-out accuracy {held_out_summary['accuracy']:.3f}; misclassified:\n{misclassified}")
    assert held_out_summary["examples"] >= 400
    assert held_out_summary["accuracy"] >= MINIMUM_ACCURACY


def test_conversation_tests_pass(trained_model):
    result = rasa(
        "test", "core", "--model", str(trained_model), "--stories", "tests/test_stories.yml",
        "--fail-on-prediction-errors", "--out", str(RESULTS / "core"),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
