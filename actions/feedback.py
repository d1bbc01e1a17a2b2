"""The marker under a curated answer that lets the website widget ask "Was this helpful?" about it.

The marker is the answer's last message's `custom` payload: a new id for the answer, the answered topic and
whether it is the short answer or the longer one, and the widget's words from messages.yml (`feedback`).
The Rasa server keeps a vote only for an id its stored events hold (exobot/server/feedback.py).
"""

import uuid
from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker

from actions.replies import TEXT_ONLY_CHANNELS
from exobot.content import Content


def feedback_marker(tracker: Tracker, content: Content, topic: Text, kind: Text) -> Optional[Dict[Text, Any]]:
    """The `custom` payload that asks for a vote on this answer; None where the channel shows only text."""
    if tracker.get_latest_input_channel() in TEXT_ONLY_CHANNELS:
        return None
    return {"feedback": {"id": uuid.uuid4().hex, "topic": topic, "kind": kind, **content.messages["feedback"]}}
