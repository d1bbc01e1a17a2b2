"""Follow-ups read in context: "what about in Europe?" right after the regulation answer is about regulation.

A short message that opens the way follow-ups do ("what about ...", "and for men?", "is it the same for
...", "does that ...") is read against the topic just discussed, as a careful person would:
- the model places it on the topic just discussed: that topic's longer answer ("and for the neck?" after
  skin);
- it names a part of the body (`area_topics` in messages.yml) after a question about something else: the
  same question about that part, so the longer answer on the topic just discussed ("and for hair?" after
  "how long does it last?");
- it names another topic: that topic's answer ("is it the same for hair?" after skin, "does that hurt?");
- the model cannot place it (out of scope, or unsure and no other topic at 0.5): the longer answer on the
  topic just discussed ("what about in Europe?" after regulation).
"""

import re
from typing import Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import answer_topic, give_details
from actions.conversation import TOPIC_SLOT, latest_intent, latest_text
from exobot.content import Content

FOLLOW_UP = re.compile(
    r"^\s*(and|but|so|ok|okay|what about|how about|what if|and what about|and for|and in|and with|and if|"
    r"is it the same|same for|is that the same|does that|does it|is that|what about for|for)\b",
    re.IGNORECASE,
)
MAX_WORDS = 8
NEW_TOPIC_CONFIDENCE = 0.5


def reads_like_a_follow_up(text: Text) -> bool:
    return bool(FOLLOW_UP.match(text)) and len(text.split()) <= MAX_WORDS


def follow_up_topic(tracker: Tracker, content: Content) -> Optional[Text]:
    """The topic a follow-up is about (the current one for its longer answer), or None if it is not one."""
    current = tracker.get_slot(TOPIC_SLOT)
    if current not in content.answers or not reads_like_a_follow_up(latest_text(tracker)):
        return None
    areas = set(content.messages["area_topics"])
    predicted = latest_intent(tracker)
    if predicted in content.answers:
        if predicted in areas and current not in areas:
            return current
        return predicted
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
