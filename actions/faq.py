"""Answer a topic question with its curated answer, the disclaimer and follow-up topics."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import TOPIC_SLOT, latest_intent
from actions.replies import utter_with_buttons
from actions.topics import utter_cannot_answer
from exobot.content import Content, get_content


def more_buttons(content: Content, follow_ups: List[Text]) -> List[Dict[Text, Text]]:
    """ "Yes, tell me more" followed by the related topics."""
    return [{"title": content.messages["more_button"], "payload": "/affirm"}] + content.buttons(follow_ups)


def answer_topic(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content, intent: Text) -> List[Dict]:
    """The topic's short answer, its notes, the disclaimer and the offer of more; the topic becomes current."""
    answer = content.answers[intent]
    dispatcher.utter_message(text=answer.text)
    for note in answer.notes:
        dispatcher.utter_message(text=note)
    dispatcher.utter_message(text=content.disclaimer)
    utter_with_buttons(dispatcher, tracker, content.say("more_offer"), more_buttons(content, answer.follow_ups))
    return [SlotSet(TOPIC_SLOT, intent)]


def give_details(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content, intent: Text) -> List[Dict]:
    """The topic's longer answer and its notes, then the disclaimer with the related topics."""
    answer = content.answers[intent]
    dispatcher.utter_message(text=answer.detail)
    for note in answer.notes:
        dispatcher.utter_message(text=note)
    utter_with_buttons(dispatcher, tracker, content.disclaimer, content.buttons(answer.follow_ups))
    return [SlotSet(TOPIC_SLOT, intent)]


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
        return answer_topic(dispatcher, tracker, content, intent)


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
