from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted

from actions.session import ActionSessionStart
from exobot.content import get_content
from tests.conftest import make_tracker


def test_new_session_greets_once_and_carries_nothing_over(dispatcher, domain):
    tracker = make_tracker("greet", slots={"current_topic": "ask_hair_restoration"})

    events = ActionSessionStart().run(dispatcher, tracker, domain)

    [welcome] = dispatcher.messages
    assert welcome["text"] == get_content().say("welcome")
    assert [b["title"] for b in welcome["buttons"]] == [
        "What are exosomes?",
        "Can they help my skin?",
        "Can they help with hair loss?",
        "Is it safe?",
    ]
    assert events == [SessionStarted(), ActionExecuted("action_listen")]


def test_session_start_request_right_after_a_new_session_is_not_welcomed_twice(dispatcher, domain):
    tracker = Tracker.from_dict(
        {
            "sender_id": "new-visitor",
            "latest_message": {"text": "/session_start", "intent": {"name": "session_start", "confidence": 1.0}},
            "events": [
                {"event": "action", "name": "action_session_start"},
                {"event": "bot", "text": "Welcome!"},
                {"event": "session_started"},
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": "/session_start", "parse_data": {"intent": {"name": "session_start"}}},
            ],
        }
    )

    events = ActionSessionStart().run(dispatcher, tracker, domain)

    assert dispatcher.messages == []
    assert events == [ActionExecuted("action_listen")]


def test_session_start_request_later_in_a_conversation_starts_afresh(dispatcher, domain):
    tracker = Tracker.from_dict(
        {
            "sender_id": "visitor",
            "latest_message": {"text": "/session_start", "intent": {"name": "session_start", "confidence": 1.0}},
            "events": [
                {"event": "session_started"},
                {"event": "user", "text": "is it safe", "parse_data": {"intent": {"name": "ask_safety_risks"}}},
                {"event": "action", "name": "action_answer_faq"},
                {"event": "user", "text": "/session_start", "parse_data": {"intent": {"name": "session_start"}}},
            ],
        }
    )

    events = ActionSessionStart().run(dispatcher, tracker, domain)

    assert [m["text"] for m in dispatcher.messages] == [get_content().say("welcome")]
    assert events[0] == SessionStarted()
