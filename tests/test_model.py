"""The trained model: NLU quality gates on the held-out split and the independent set, and the conversation tests.

The independent set (tests/nlu/unseen.yml) was written by another hand, by another method, before the
changes it measures, and is never trained or tuned on. Its gates are set at what the shipped model
reaches, a little below (docs/nlu.md: the targets it does not reach yet are listed there).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exobot.paths import ROOT

RESULTS = ROOT / "results"
MINIMUM_IN_SCOPE_ACCURACY = 0.95
MINIMUM_OUT_OF_SCOPE_RECALL = 0.95
MAXIMUM_TYPO_DROP = 0.05
UNSEEN = ROOT / "tests" / "nlu" / "unseen.yml"
# Measured on the shipped model (docs/nlu.md, round 6): 96.27 % (930 of 966; the target, 96 %, is 928),
# 98.5 %, 0.972, 88.9 % (8 of the 9 messages "Did you mean" could offer: one message moves it 11 points);
# 0.8 % wrong topic, 1.1 % of out-of-scope messages given an exosome answer, typo drop 2.5 points.
UNSEEN_GATES = {
    "in_scope_accuracy": 0.96,
    "out_of_scope_recall": 0.97,
    "macro_f1": 0.965,
    "clarification_hit_rate": 0.70,
}
UNSEEN_MAXIMUM_WRONG_TOPIC = 0.01
UNSEEN_MAXIMUM_EXOSOME_ANSWERS = 0.015
UNSEEN_MAXIMUM_TYPO_DROP = 0.03


def run(*command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run(list(command), cwd=ROOT, capture_output=True, text=True, env=env)


def rasa(*args: str) -> subprocess.CompletedProcess:
    return run(str(Path(sys.executable).parent / "rasa"), *args)


def evaluate(model: Path, nlu: Path, out: Path) -> dict:
    """research/evaluate.py: predictions exactly as the bot serves them, fallback included."""
    result = run(sys.executable, "-m", "research.evaluate", "--model", str(model), "--nlu", str(nlu), "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    print(result.stdout)
    return json.loads((out / "summary.json").read_text())


@pytest.fixture(scope="session")
def held_out_summary(trained_model: Path) -> dict:
    return evaluate(trained_model, ROOT / "tests" / "nlu" / "test_nlu.yml", RESULTS / "heldout")


@pytest.fixture(scope="session")
def typo_summary(trained_model: Path) -> dict:
    """The same split with one typo per message (swaps, drops, doubled letters; fixed seed)."""
    typos = RESULTS / "typos" / "test_nlu_typos.yml"
    made = run(sys.executable, "-m", "research.typos", "tests/nlu/test_nlu.yml", str(typos))
    assert made.returncode == 0, made.stderr[-3000:]
    return evaluate(trained_model, typos, RESULTS / "typos")


@pytest.fixture(scope="session")
def unseen_summary(trained_model: Path) -> dict:
    return evaluate(trained_model, UNSEEN, RESULTS / "unseen")


@pytest.fixture(scope="session")
def unseen_typo_summary(trained_model: Path) -> dict:
    typos = RESULTS / "unseen_typos" / "unseen_typos.yml"
    made = run(sys.executable, "-m", "research.typos", str(UNSEEN), str(typos))
    assert made.returncode == 0, made.stderr[-3000:]
    return evaluate(trained_model, typos, RESULTS / "unseen_typos")


def test_the_independent_set_meets_its_gates(unseen_summary):
    assert unseen_summary["examples"] >= 29 * 25 + 400
    for metric, minimum in UNSEEN_GATES.items():
        assert unseen_summary[metric] >= minimum, f"{metric} {unseen_summary[metric]:.3f} < {minimum}"
    assert unseen_summary["wrong_topic_rate"] <= UNSEEN_MAXIMUM_WRONG_TOPIC
    assert unseen_summary["exosome_answer_rate"] <= UNSEEN_MAXIMUM_EXOSOME_ANSWERS


def test_typos_cost_the_independent_set_at_most_three_points(unseen_summary, unseen_typo_summary):
    drop = unseen_summary["accuracy"] - unseen_typo_summary["accuracy"]
    print(f"independent set with typos: accuracy {unseen_typo_summary['accuracy']:.3f} (drop {drop:+.3f})")
    assert drop <= UNSEEN_MAXIMUM_TYPO_DROP


def test_held_out_accuracy_meets_the_gate(held_out_summary):
    misclassified = (RESULTS / "heldout" / "misclassified.csv").read_text()
    print(
        f"held-out in-scope accuracy {held_out_summary['in_scope_accuracy']:.3f}, "
        f"out-of-scope recall {held_out_summary['out_of_scope_recall']:.3f}; misclassified:\n{misclassified}"
    )
    assert held_out_summary["examples"] >= 400
    assert held_out_summary["in_scope_accuracy"] >= MINIMUM_IN_SCOPE_ACCURACY
    assert held_out_summary["out_of_scope_recall"] >= MINIMUM_OUT_OF_SCOPE_RECALL


def test_typos_cost_at_most_five_points(held_out_summary, typo_summary):
    drop = held_out_summary["accuracy"] - typo_summary["accuracy"]
    print(f"typo-perturbed accuracy {typo_summary['accuracy']:.3f} (drop {drop:+.3f})")
    assert drop <= MAXIMUM_TYPO_DROP


def test_conversation_tests_pass(trained_model):
    result = rasa(
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        "tests/test_stories.yml",
        "--fail-on-prediction-errors",
        "--out",
        str(RESULTS / "core"),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
