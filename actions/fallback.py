"""Honest replies to what the bot cannot answer: other subjects, unclear or empty messages."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.content import Content, get_content
from actions.conversation import latest_text
from actions.replies import utter_with_buttons


def is_empty_message(tracker: Tracker) -> bool:
    """The visitor sent nothing but whitespace (the NLU pipeline routes it to nlu_fallback)."""
    return not latest_text(tracker).strip()


def utter_empty_prompt(dispatcher: CollectingDispatcher, content: Content) -> None:
    dispatcher.utter_message(text=content.messages["empty_message"])


def utter_cannot_answer(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content) -> None:
    """Say the bot cannot answer, offering the main topics as buttons."""
    utter_with_buttons(dispatcher, tracker, content.messages["out_of_scope"], content.buttons(content.messages["topic_menu"]))


class ActionAnswerOutOfScope(Action):
    """Say what the bot can answer, with the main topics as buttons."""

    def name(self) -> Text:
        return "action_answer_out_of_scope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        content = get_content()
        if is_empty_message(tracker):
            utter_empty_prompt(dispatcher, content)
            return []
        utter_cannot_answer(dispatcher, tracker, content)
        return []
