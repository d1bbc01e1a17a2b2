from rasa_sdk.events import ActionExecuted, SessionStarted

from actions.session import ActionSessionStart
from tests.conftest import make_tracker


def test_new_session_greets_once_and_carries_nothing_over(dispatcher, domain):
    tracker = make_tracker("greet", slots={"current_topic": "ask_hair_restoration"})

    events = ActionSessionStart().run(dispatcher, tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_welcome"]
    assert events == [SessionStarted(), ActionExecuted("action_listen")]
    assert domain["responses"]["utter_welcome"][0]["buttons"]
