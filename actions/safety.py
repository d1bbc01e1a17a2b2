"""Urgent-care guidance for a visitor who reports a problem after a treatment."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import latest_edge
from exobot.content import get_content


class ActionGiveUrgentCare(Action):
    """Tell the visitor to contact the treating clinic now, or emergency services (also in their language)."""

    def name(self) -> Text:
        return "action_give_urgent_care"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        dispatcher.utter_message(text=content.say("urgent_care"))
        translated = content.in_language(latest_edge(tracker).get("language", ""), "urgent_care")
        if translated:
            dispatcher.utter_message(text=translated)
        return []
