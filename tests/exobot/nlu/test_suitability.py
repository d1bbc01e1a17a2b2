"""exobot/nlu/suitability.py: "does it suit me, given my situation?" goes to ask_consultation."""

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from exobot.nlu.suitability import SuitabilityClassifier, asks_about_suitability
from exobot.paths import ROOT
from exobot.tools.nlu_files import read_examples, training_files


@pytest.mark.parametrize(
    "text",
    [
        "can i get it while pregnant",
        "I'm on blood thinners, is that ok?",
        "my daughter is 16, can she have it",
        "I had skin cancer 5 years ago, am I a candidate?",
        "can a beautician do the injections?",
        "can I use retinol and vitamin c with exosomes?",
        "I take ibuprofen daily, can I have exosomes?",
    ],
)
def test_a_question_about_ones_own_situation_is_about_suitability(text):
    assert asks_about_suitability(text)


@pytest.mark.parametrize(
    "text",
    [
        "is it safe",
        "can exosomes help acne scars",
        "can i book for tuesday",
        "what is it",
        "can i mix retinol with AHA",  # skin care products with each other
        "my dog is 13, is stem cell therapy too risky at his age",
        "is ibuprofen safe with alcohol",
        "how many weeks pregnant am i",
    ],
)
def test_other_questions_are_not(text):
    assert not asks_about_suitability(text)


@pytest.mark.parametrize(
    "path",
    [ROOT / "tests" / "safety" / "suitability.yml", *sorted((ROOT / "research" / "data").glob("suitability_*.yml"))],
    ids=lambda path: path.name,
)
def test_every_suitability_set_stays_right(path):
    questions = yaml.safe_load(path.read_text())["suitability"]
    assert [text for text in questions if not asks_about_suitability(text)] == []


def test_no_training_example_of_another_intent_is_taken_for_suitability():
    others = [e for e in read_examples(training_files()) if e.intent != "ask_consultation"]
    assert [e.text for e in others if asks_about_suitability(e.text)] == []


def test_it_sets_ask_consultation_first():
    message = Message(data={TEXT: "I'm breastfeeding, can I have exosomes?", INTENT: {"name": "ask_safety_risks"}})
    SuitabilityClassifier().process([message])
    assert message.get(INTENT) == {"name": "ask_consultation", "confidence": 1.0}
