"""Training data, domain and the held-out split: complete, valid and kept apart."""

import os
import subprocess
import sys

import pytest
import yaml

from exobot.paths import ROOT, evaluation_sets
from exobot.tools.nlu_files import evaluation_texts, examples_by_intent
from tests.exobot.content.test_content import DOCUMENT_TOPICS

TRAINING = examples_by_intent(sorted((ROOT / "data" / "nlu").glob("*.yml")))
HELD_OUT = examples_by_intent([ROOT / "tests" / "nlu" / "test_nlu.yml"])
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
CONTRACT = ROOT.parent / "shared" / "intents.md"

PRACTICAL_CLINIC_SAFETY = [
    "ask_procedure_details",
    "ask_clinic_info",
    "ask_cost",
    "book_appointment",
    "request_human",
    "report_adverse_reaction",
]
CONVERSATION = ["greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "ask_capabilities"]
ALL_INTENTS = DOCUMENT_TOPICS + PRACTICAL_CLINIC_SAFETY + CONVERSATION + ["out_of_scope"]


def test_domain_declares_the_contract_intents_and_answers_every_added_topic():
    assert set(ALL_INTENTS) <= set(DOMAIN["intents"])
    added = set(DOMAIN["intents"]) - set(ALL_INTENTS)  # topics a clinic added with make add-topic
    answers = yaml.safe_load((ROOT / "exobot" / "content" / "answers.yml").read_text())["answers"]
    rules = yaml.safe_load((ROOT / "data" / "rules.yml").read_text())["rules"]
    ruled = {step["intent"] for rule in rules for step in rule["steps"] if "intent" in step}
    assert not {intent for intent in added if intent not in answers or intent not in ruled or intent not in TRAINING}


@pytest.mark.skipif(not CONTRACT.exists(), reason="the shared intent contract is not beside this checkout")
def test_contract_file_lists_the_same_intents():
    import re

    named = set(re.findall(r"^\| `([a-z_]+)` \|", CONTRACT.read_text(), flags=re.M))
    assert named == set(ALL_INTENTS)


@pytest.mark.parametrize(
    "intents, minimum",
    [(DOCUMENT_TOPICS, 40), (PRACTICAL_CLINIC_SAFETY, 25), (CONVERSATION, 15), (["out_of_scope"], 120)],
)
def test_every_intent_has_enough_training_examples(intents, minimum):
    too_few = {intent: len(TRAINING.get(intent, [])) for intent in intents if len(TRAINING.get(intent, [])) < minimum}
    assert not too_few


def test_held_out_split_covers_every_intent():
    assert set(HELD_OUT) == set(ALL_INTENTS)
    assert min(len(examples) for examples in HELD_OUT.values()) >= 12
    assert sum(len(examples) for examples in HELD_OUT.values()) >= 400


def test_held_out_split_shares_no_example_with_training():
    training = {text.lower() for examples in TRAINING.values() for text in examples}
    shared = [text for examples in HELD_OUT.values() for text in examples if text.lower() in training]
    assert not shared


def test_no_training_example_is_in_any_evaluation_set():
    texts = evaluation_texts(evaluation_sets())
    shared = {
        text: texts[text.lower()].name for examples in TRAINING.values() for text in examples if text.lower() in texts
    }
    assert not shared


def test_no_example_is_labelled_twice():
    seen = {}
    for intent, examples in TRAINING.items():
        for text in examples:
            seen.setdefault(text.lower(), set()).add(intent)
    assert not {text: intents for text, intents in seen.items() if len(intents) > 1}


def test_rasa_data_validate_finds_no_warnings_and_the_launcher_prints_no_deprecation_warnings():
    """Through the launcher (exobot/server/__main__.py), as make train runs it; plain Rasa prints several."""
    env = {name: value for name, value in os.environ.items() if "WARN" not in name and name != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run(
        [sys.executable, "-m", "exobot.server", "data", "validate", "--fail-on-warnings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env, "RASA_TELEMETRY_ENABLED": "false"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "DeprecationWarning" not in result.stdout + result.stderr


def test_conversation_tests_use_every_intent():
    stories = yaml.safe_load((ROOT / "tests" / "test_stories.yml").read_text())["stories"]
    used = {step["intent"] for story in stories for step in story["steps"] if "intent" in step}
    assert set(ALL_INTENTS) <= used
    assert len(stories) >= 30
    assert min(sum("intent" in step for step in story["steps"]) for story in stories) >= 3
