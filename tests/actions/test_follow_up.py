"""actions/follow_up.py: a follow-up that names only a new aspect is read against the topic just discussed."""

import pytest
from rasa_sdk.events import SlotSet

from actions.clarify import ActionClarify
from actions.fallback import ActionAnswerOutOfScope
from actions.faq import ActionAnswerFaq
from exobot.content import get_content
from tests.conftest import make_tracker

CONTENT = get_content()


def expected_text(expected: str) -> str:
    """The reply "detail of <topic>" or "answer of <topic>" names."""
    kind, _, topic = expected.split(" ", 2)
    return CONTENT.answers[topic].detail if kind == "detail" else CONTENT.answers[topic].text


@pytest.mark.parametrize("action", [ActionAnswerOutOfScope, ActionClarify])
@pytest.mark.parametrize(
    "text", ["what about in europe?", "and for men?", "is it the same in the UK?", "and if I'm 60?"]
)
def test_a_follow_up_gets_the_current_topics_longer_answer(dispatcher, domain, action, text):
    ranking = [{"name": "out_of_scope", "confidence": 0.6}, {"name": "ask_cost", "confidence": 0.1}]
    tracker = make_tracker("out_of_scope", text, slots={"current_topic": "ask_regulation"}, ranking=ranking)

    events = action().run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["text"] == CONTENT.answers["ask_regulation"].detail
    assert events == [SlotSet("current_topic", "ask_regulation")]


@pytest.mark.parametrize(
    "current, text, predicted, expected",
    [
        ("ask_skin_rejuvenation", "and for the neck?", "ask_skin_rejuvenation", "detail of ask_skin_rejuvenation"),
        ("ask_long_term_effects", "and for hair?", "ask_hair_restoration", "detail of ask_long_term_effects"),
        ("ask_skin_rejuvenation", "is it the same for hair?", "ask_hair_restoration", "answer of ask_hair_restoration"),
        ("ask_safety_risks", "and is it approved?", "ask_regulation", "answer of ask_regulation"),
        (
            "ask_safety_risks",
            "how long do results last after a treatment like this one?",
            "ask_long_term_effects",
            "answer of ask_long_term_effects",
        ),  # not a follow-up: answered as asked
    ],
)
def test_a_follow_up_the_model_places_on_a_topic_is_read_against_the_topic_just_discussed(
    dispatcher, domain, current, text, predicted, expected
):
    tracker = make_tracker(predicted, text, slots={"current_topic": current})

    ActionAnswerFaq().run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["text"] == expected_text(expected)


@pytest.mark.parametrize(
    "text, slots",
    [
        ("what about in europe?", {}),
        ("how do I book a flight to Paris next week with my family", {"current_topic": "ask_regulation"}),
    ],
    ids=["no topic yet", "not a follow-up"],
)
def test_without_a_topic_or_a_follow_up_the_bot_says_it_cannot_answer(dispatcher, domain, text, slots):
    ranking = [{"name": "out_of_scope", "confidence": 0.9}]
    ActionAnswerOutOfScope().run(dispatcher, make_tracker("out_of_scope", text, slots=slots, ranking=ranking), domain)

    assert dispatcher.messages[0]["text"] == CONTENT.say("out_of_scope")


@pytest.mark.parametrize(
    "ranking, expected",
    [
        ([("ask_hair_restoration", 0.55), ("ask_treatment_methods", 0.4)], "answer of ask_hair_restoration"),
        ([("ask_hair_restoration", 0.47), ("ask_treatment_methods", 0.42)], "detail of ask_skin_rejuvenation"),
    ],
    ids=["another topic at 0.5", "no topic at 0.5"],
)
def test_an_unsure_follow_up_takes_another_topic_only_when_the_model_gives_it_half(
    dispatcher, domain, ranking, expected
):
    entries = [{"name": "nlu_fallback", "confidence": 0.4}] + [{"name": n, "confidence": c} for n, c in ranking]
    tracker = make_tracker(
        "nlu_fallback", "is it the same for hair?", slots={"current_topic": "ask_skin_rejuvenation"}, ranking=entries
    )

    ActionClarify().run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["text"] == expected_text(expected)
