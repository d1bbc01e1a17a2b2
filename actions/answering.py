"""Say a topic's answer: the short one with the offer of more, or the longer one; the topic becomes current."""

from typing import Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import TOPIC_SLOT
from actions.feedback import feedback_marker
from actions.replies import utter_with_buttons
from exobot.content import Content


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
    marker = feedback_marker(tracker, content, intent, "answer")
    utter_with_buttons(dispatcher, tracker, content.say("more_offer"), more_buttons(content, answer.follow_ups), marker)
    return [SlotSet(TOPIC_SLOT, intent)]


def give_details(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content, intent: Text) -> List[Dict]:
    """The topic's longer answer and its notes, then the disclaimer with the related topics."""
    answer = content.answers[intent]
    dispatcher.utter_message(text=answer.detail)
    for note in answer.notes:
        dispatcher.utter_message(text=note)
    marker = feedback_marker(tracker, content, intent, "detail")
    utter_with_buttons(dispatcher, tracker, content.disclaimer, content.buttons(answer.follow_ups), marker)
    return [SlotSet(TOPIC_SLOT, intent)]
