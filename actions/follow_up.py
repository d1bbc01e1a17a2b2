"""Follow-ups read in context: "what about in Europe?" right after the regulation answer is about regulation.

A message the model could not place (out of scope, or unsure) that reads like a follow-up, short and
opening the way follow-ups do ("what about ...", "and for men?", "is it the same for ...", "and if ..."),
is read against the topic just discussed: the visitor gets that topic's longer answer. If the model's
ranking instead points clearly to another topic the bot answers, that topic is the new aspect asked about.
"""

import re
from typing import Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import TOPIC_SLOT, latest_text
from actions.faq import answer_topic, give_details
from exobot.content import Content

FOLLOW_UP = re.compile(
    r"^\s*(and|but|so|ok|okay|what about|how about|what if|and what about|and for|and in|and with|and if|"
    r"is it the same|same for|is that the same|does that|does it|is that|what about for|for)\b",
    re.IGNORECASE,
)
MAX_WORDS = 8
NEW_TOPIC_CONFIDENCE = 0.3


def reads_like_a_follow_up(text: Text) -> bool:
    return bool(FOLLOW_UP.match(text)) and len(text.split()) <= MAX_WORDS


def follow_up_topic(tracker: Tracker, content: Content) -> Optional[Text]:
    """The topic a follow-up is about: the new aspect if the model points to one, else the current topic."""
    current = tracker.get_slot(TOPIC_SLOT)
    if current not in content.answers or not reads_like_a_follow_up(latest_text(tracker)):
        return None
    for entry in tracker.latest_message.get("intent_ranking") or []:
        name = entry.get("name")
        if name in content.answers and name != current and entry.get("confidence", 0) >= NEW_TOPIC_CONFIDENCE:
            return name
    return current


def answer_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content) -> Optional[List[Dict]]:
    """Answer a follow-up in context (the events to return), or None if the message is not one."""
    topic = follow_up_topic(tracker, content)
    if topic is None:
        return None
    if topic == tracker.get_slot(TOPIC_SLOT):
        return give_details(dispatcher, tracker, content, topic)
    return answer_topic(dispatcher, tracker, content, topic)
