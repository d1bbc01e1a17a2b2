"""The welcome at the start of a conversation and the answer to "what can you do?": a text and topic buttons."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import utter_with_buttons
from exobot.content import Content, get_content


def utter_topics(
    dispatcher: CollectingDispatcher, tracker: Tracker, content: Content, text_key: Text, topics_key: Text
) -> None:
    """A message from messages.yml with its list of topics as buttons (titles from the content files)."""
    utter_with_buttons(dispatcher, tracker, content.say(text_key), content.buttons(content.messages[topics_key]))


def utter_cannot_answer(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content) -> None:
    """Say the bot cannot answer, offering the main topics as buttons."""
    utter_topics(dispatcher, tracker, content, "out_of_scope", "topic_menu")


class ActionListTopics(Action):
    """What the bot can answer, with the main topics as buttons."""

    def name(self) -> Text:
        return "action_list_topics"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        utter_topics(dispatcher, tracker, get_content(), "capabilities", "capability_topics")
        return []
