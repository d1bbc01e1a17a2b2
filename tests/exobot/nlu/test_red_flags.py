"""exobot/nlu/red_flags.py: a reported problem after a treatment goes to urgent care; a general question does not."""

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from exobot.nlu.red_flags import RedFlagClassifier, judge
from exobot.paths import ROOT

# Every safety set: the check must keep each of them right, by its words alone.
TUNING_SETS = [ROOT / "tests" / "safety" / "safety_set.yml", *sorted((ROOT / "research" / "data").glob("safety_*.yml"))]


@pytest.mark.parametrize(
    "text",
    [
        "I had exosomes in my cheek on Monday and now there's a hot, hard, painful lump",
        "i got exosomes for my hair and now i think my whole scalp is infected",
        "my lips are swelling up since this morning",
        "MY THROAT FEELS TIGHT AFTER THE INJECTIONS",
        "my wife had the treatment yesterday and her eye is drooping",
        "my lips are swelling",  # happening now, with no time named
        "my face is burning",
        "pain and swelling won't go down",  # a problem that persists
        "the bruise is getting bigger",
    ],
)
def test_a_report_of_a_problem_after_a_treatment_is_a_red_flag(text):
    assert judge(text).is_report


@pytest.mark.parametrize(
    "text",
    [
        "could it cause swelling?",
        "is there a risk of infection?",
        "what if I get a rash afterwards?",
        "can exosomes help the redness on my cheeks?",
        "my dog has a lump on his leg",
        "I'm itching to book, any slots on Friday?",
        "is swelling normal after exosomes?",
        "the hype around exosomes is swelling, is it legit?",
        "swelling that won't go down, is that a known risk?",
        "my bald patch is getting bigger",  # a hair question, not a problem after a treatment
        "is the exosome market getting bigger?",
    ],
)
def test_a_general_question_with_the_same_words_is_not(text):
    assert not judge(text).is_report


@pytest.mark.parametrize("path", TUNING_SETS, ids=lambda path: path.name)
def test_the_tuning_sets_stay_right(path):
    sets = yaml.safe_load(path.read_text())
    assert [text for text in sets["reports"] if not judge(text).is_report] == []
    assert [text for text in sets["not_reports"] if judge(text).is_report] == []


def parsed(text: str, intent: str, confidence: float, ranking: list) -> Message:
    return Message(data={TEXT: text, INTENT: {"name": intent, "confidence": confidence}, INTENT_RANKING_KEY: ranking})


def test_a_report_overrides_any_intent_and_keeps_the_rest_of_the_ranking():
    ranking = [{"name": "ask_hair_restoration", "confidence": 0.8}, {"name": "ask_safety_risks", "confidence": 0.1}]
    message = parsed("since the hair treatment my scalp is oozing", "ask_hair_restoration", 0.8, ranking)

    RedFlagClassifier({}).process([message])

    assert message.get(INTENT) == {"name": "report_adverse_reaction", "confidence": 1.0}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == [
        "report_adverse_reaction",
        "ask_hair_restoration",
        "ask_safety_risks",
    ]
    assert "after_own_treatment" in message.get("red_flag")["signs"]


def test_a_general_question_taken_for_a_report_goes_to_the_next_intent_or_to_did_you_mean():
    ranking = [{"name": "report_adverse_reaction", "confidence": 0.5}, {"name": "ask_safety_risks", "confidence": 0.45}]
    confident = parsed("is there a risk of infection?", "report_adverse_reaction", 0.5, ranking)
    unsure = parsed(
        "what if my face swells?",
        "report_adverse_reaction",
        0.5,
        [ranking[0], {"name": "ask_safety_risks", "confidence": 0.2}],
    )

    RedFlagClassifier({"threshold": 0.4}).process([confident, unsure])

    assert confident.get(INTENT) == {"name": "ask_safety_risks", "confidence": 0.45}
    assert unsure.get(INTENT)["name"] == "nlu_fallback"
    assert unsure.get(INTENT_RANKING_KEY)[0]["name"] == "report_adverse_reaction"  # offered first by "Did you mean"


@pytest.mark.parametrize(
    "text",
    [
        "I've got these brown spots on my hands since I turned 60, do exosomes work on them?",
        "my skin is red and irritated since I started tretinoin, can exosomes calm it?",
    ],
)
def test_an_own_concern_asking_for_a_treatment_is_at_most_a_possible_report(text):
    top = {"name": "ask_pigmentation", "confidence": 0.9}
    [message] = RedFlagClassifier().process([Message(data={TEXT: text, INTENT: top, INTENT_RANKING_KEY: [top]})])

    assert message.get(INTENT)["name"] != "report_adverse_reaction"


def test_a_possible_report_keeps_its_answer_and_is_marked_for_the_safety_line():
    text = "got bald patches since last summer that keep spreading out, could exosomes help regrow it"
    verdict = judge(text)
    top = {"name": "ask_hair_restoration", "confidence": 0.9}
    [message] = RedFlagClassifier().process([Message(data={TEXT: text, INTENT: top, INTENT_RANKING_KEY: [top]})])

    assert verdict.is_report or message.get("red_flag") is None  # only a report can be a possible one
    if verdict.is_report:
        assert message.get(INTENT)["name"] in ("ask_hair_restoration", "report_adverse_reaction")


def test_a_report_written_as_a_cosmetic_question_is_urgent():
    text = "a few days after the injection one side of my mouth is weak and drooping, can exosomes fix it?"
    top = {"name": "ask_pigmentation", "confidence": 0.9}
    [message] = RedFlagClassifier().process([Message(data={TEXT: text, INTENT: top, INTENT_RANKING_KEY: [top]})])

    assert message.get(INTENT)["name"] == "report_adverse_reaction"
