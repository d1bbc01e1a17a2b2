"""actions/feedback.py: the marker that lets the widget ask "Was this helpful?", only under curated answers."""

import re

import pytest
from rasa_sdk import Tracker

from actions.clarify import ActionClarify
from actions.fallback import ActionAnswerOutOfScope
from actions.faq import ActionAnswerFaq, ActionGiveDetails
from actions.handoff import ActionHandOver
from actions.safety import ActionGiveUrgentCare
from actions.session import ActionSessionStart
from actions.topics import ActionListTopics
from exobot.content import get_content
from tests.conftest import make_tracker

CONTENT = get_content()


def markers(dispatcher) -> list:
    return [message["custom"]["feedback"] for message in dispatcher.messages if message.get("custom")]


@pytest.mark.parametrize("intent", sorted(CONTENT.answers))
def test_an_answers_last_message_carries_a_new_id_its_topic_and_the_widgets_words(dispatcher, domain, intent):
    ActionAnswerFaq().run(dispatcher, make_tracker(intent), domain)

    [marker] = markers(dispatcher)
    assert dispatcher.messages[-1]["custom"]["feedback"] is marker  # under the offer of more, the answer's end
    assert re.fullmatch(r"[0-9a-f]{32}", marker["id"])
    assert (marker["topic"], marker["kind"]) == (intent, "answer")
    assert {key: marker[key] for key in CONTENT.messages["feedback"]} == CONTENT.messages["feedback"]


def test_the_longer_answer_is_marked_as_the_detail(dispatcher, domain):
    tracker = make_tracker("affirm", "tell me more", slots={"current_topic": "ask_benefits"})

    ActionGiveDetails().run(dispatcher, tracker, domain)

    [marker] = markers(dispatcher)
    assert (marker["topic"], marker["kind"]) == ("ask_benefits", "detail")


def test_every_answer_gets_an_id_of_its_own(dispatcher, domain):
    for _ in range(3):
        ActionAnswerFaq().run(dispatcher, make_tracker("ask_benefits"), domain)
    assert len({marker["id"] for marker in markers(dispatcher)}) == 3


def test_rasa_shell_gets_no_marker(dispatcher, domain):
    tracker = make_tracker("ask_benefits")
    latest = {**tracker.events[-1], "input_channel": "cmdline"}
    shell = Tracker.from_dict({**tracker.current_state(), "events": [latest]})

    ActionAnswerFaq().run(dispatcher, shell, domain)

    assert dispatcher.messages[0]["text"] == CONTENT.answers["ask_benefits"].text
    assert markers(dispatcher) == []


@pytest.mark.parametrize(
    "action, intent, text",
    [
        (ActionGiveUrgentCare(), "report_adverse_reaction", "my face is swollen after the treatment"),
        (ActionHandOver(), "ask_cost", "how much is it"),
        (ActionHandOver(), "request_human", "can I talk to a person"),
        (ActionAnswerFaq(), "out_of_scope", "what is the weather"),
        (ActionAnswerOutOfScope(), "out_of_scope", "what is the weather"),
        (ActionClarify(), "nlu_fallback", "hmm exo thing"),
        (ActionListTopics(), "ask_capabilities", "what can you do"),
        (ActionSessionStart(), "session_start", "/session_start"),
    ],
)
def test_urgent_care_hand_overs_and_small_talk_get_no_marker(dispatcher, domain, action, intent, text):
    action.run(dispatcher, make_tracker(intent, text), domain)

    assert dispatcher.messages
    assert markers(dispatcher) == []
