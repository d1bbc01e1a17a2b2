"""actions/follow_up.py: a follow-up that names only a new aspect is read against the topic just discussed."""

import pytest
from rasa_sdk.events import SlotSet

from actions.clarify import ActionClarify
from actions.fallback import ActionAnswerOutOfScope
from exobot.content import get_content
from tests.conftest import make_tracker

CONTENT = get_content()


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


def test_a_follow_up_that_points_to_another_topic_gets_that_topics_answer(dispatcher, domain):
    ranking = [{"name": "nlu_fallback", "confidence": 0.6}, {"name": "ask_hair_restoration", "confidence": 0.35}]
    tracker = make_tracker(
        "nlu_fallback", "is it the same for hair?", slots={"current_topic": "ask_skin_rejuvenation"}, ranking=ranking
    )

    ActionClarify().run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["text"] == CONTENT.answers["ask_hair_restoration"].text


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
