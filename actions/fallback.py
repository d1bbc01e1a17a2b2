"""Honest replies to what the bot cannot answer: other subjects."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.topics import utter_topics
from exobot.content import Content, get_content


def utter_cannot_answer(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content) -> None:
    """Say the bot cannot answer, offering the main topics as buttons."""
    utter_topics(dispatcher, tracker, content, "out_of_scope", "topic_menu")


class ActionAnswerOutOfScope(Action):
    """Say what the bot can answer, with the main topics as buttons."""

    def name(self) -> Text:
        return "action_answer_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        utter_cannot_answer(dispatcher, tracker, get_content())
        return []
