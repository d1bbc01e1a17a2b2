"""Answer a topic question with its curated answer, the disclaimer and follow-up topics (in context)."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import answer_topic, give_details
from actions.conversation import TOPIC_SLOT, latest_intent, possible_report
from actions.follow_up import answer_follow_up
from actions.topics import utter_cannot_answer
from exobot.content import get_content


class ActionAnswerFaq(Action):
    """Short curated answer for the latest message's topic, the disclaimer, and the offer of more."""

    def name(self) -> Text:
        return "action_answer_faq"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        intent = latest_intent(tracker)
        if intent not in content.answers:
            utter_cannot_answer(dispatcher, tracker, content)
            return []
        followed = answer_follow_up(dispatcher, tracker, content)
        if followed is not None:
            return followed
        events = answer_topic(dispatcher, tracker, content, intent)
        if possible_report(tracker):
            dispatcher.utter_message(text=content.say("safety_line"))  # it may also tell of a problem
        return events


class ActionGiveDetails(Action):
    """The detailed answer on the current topic, after the visitor accepted the offer of more."""

    def name(self) -> Text:
        return "action_give_details"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        topic = tracker.get_slot(TOPIC_SLOT)
        if topic not in content.answers:
            dispatcher.utter_message(response="utter_affirm")
            return []
        give_details(dispatcher, tracker, content, topic)
        return []
