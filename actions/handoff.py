"""Hand the visitor over to the clinic: prices, bookings, location, opening hours, a person."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import latest_intent
from exobot.content import get_content

DEFAULT_HANDOFF = "request_human"


class ActionHandOver(Action):
    """The clinic's contact details, worded for what the visitor asked."""

    def name(self) -> Text:
        return "action_hand_over"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        templates = content.messages["handoff"]
        template = templates.get(latest_intent(tracker), templates[DEFAULT_HANDOFF])
        dispatcher.utter_message(text=content.with_clinic(template))
        return []
