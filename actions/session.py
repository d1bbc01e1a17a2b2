"""Start each conversation with one greeting that says what the bot can answer."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import session_already_started
from actions.topics import utter_topics
from exobot.content import get_content


class ActionSessionStart(Action):
    """Rasa's session start (no slots carried over), then the welcome with topic buttons."""

    def name(self) -> Text:
        return "action_session_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if session_already_started(tracker):
            # a new visitor's "/session_start": Rasa has just started and welcomed the session
            return [ActionExecuted("action_listen")]
        utter_topics(dispatcher, tracker, get_content(), "welcome", "welcome_topics")
        return [SessionStarted(), ActionExecuted("action_listen")]
