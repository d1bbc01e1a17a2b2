"""Send a reply with quick-reply buttons, in the form the visitor's channel can use."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

# `rasa shell` shows buttons as a menu that swallows typed questions: list them in the text instead.
TEXT_ONLY_CHANNELS = {"cmdline"}


def utter_with_buttons(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: Text,
    buttons: List[Dict[Text, Text]],
    custom: Optional[Dict[Text, Any]] = None,
) -> None:
    """The text with its buttons; `custom` (a JSON payload for the widget) goes with them where there are buttons."""
    if tracker.get_latest_input_channel() in TEXT_ONLY_CHANNELS:
        choices = "\n".join(f"  - {button['title']}" for button in buttons)
        dispatcher.utter_message(text=f"{text}\n{choices}")
    else:
        dispatcher.utter_message(text=text, buttons=buttons, json_message=custom)
