"""Honest replies to what the bot cannot answer: other subjects (after checking for a follow-up in context),
other treatments, requests to change its rules or for doses, and messages in other languages."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import latest_edge
from actions.follow_up import answer_follow_up
from actions.topics import utter_cannot_answer
from exobot.content import Content, get_content


def utter_other_language(dispatcher: CollectingDispatcher, content: Content, language: Text) -> None:
    """The reply in the visitor's language where there is one, then what the bot can do, in English."""
    reply = content.in_language(language, "reply")
    if reply:
        dispatcher.utter_message(text=reply)
    dispatcher.utter_message(text=content.say("other_language_english"))


class ActionAnswerOutOfScope(Action):
    """Say what the bot can answer, with the main topics as buttons; a follow-up gets its topic's answer."""

    def name(self) -> Text:
        return "action_answer_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        edge = latest_edge(tracker)
        if edge.get("kind") == "language":
            utter_other_language(dispatcher, content, edge.get("language", ""))
            return []
        if edge.get("kind") in ("instructions", "other_treatment"):
            dispatcher.utter_message(text=content.say(edge["kind"]))
            return []
        followed = answer_follow_up(dispatcher, tracker, content)
        if followed is not None:
            return followed
        utter_cannot_answer(dispatcher, tracker, content)
        return []
