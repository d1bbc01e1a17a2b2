"""Honest replies to what the bot cannot answer: other subjects (after checking for a follow-up in context)."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.follow_up import answer_follow_up
from actions.topics import utter_cannot_answer
from exobot.content import get_content


class ActionAnswerOutOfScope(Action):
    """Say what the bot can answer, with the main topics as buttons; a follow-up gets its topic's answer."""

    def name(self) -> Text:
        return "action_answer_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        followed = answer_follow_up(dispatcher, tracker, content)
        if followed is not None:
            return followed
        utter_cannot_answer(dispatcher, tracker, content)
        return []
