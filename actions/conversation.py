"""Read what the visitor just said from the tracker."""
from typing import Optional, Text

from rasa_sdk import Tracker


def latest_intent(tracker: Tracker) -> Optional[Text]:
    """The intent the NLU model gave the latest message (`nlu_fallback` included)."""
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name")


def latest_text(tracker: Tracker) -> Text:
    return tracker.latest_message.get("text") or ""
