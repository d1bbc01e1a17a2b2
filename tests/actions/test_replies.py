from rasa_sdk import Tracker

from actions.replies import utter_with_buttons

BUTTONS = [
    {"title": "Is it safe?", "payload": "/ask_safety_risks"},
    {"title": "Book a consultation", "payload": "/book_appointment"},
]


def tracker_on(channel: str) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "v",
            "latest_message": {"text": "hi"},
            "events": [{"event": "user", "text": "hi", "input_channel": channel}],
        }
    )


def test_web_channels_get_real_buttons(dispatcher):
    utter_with_buttons(dispatcher, tracker_on("rest"), "Related questions:", BUTTONS)

    assert dispatcher.messages[0]["text"] == "Related questions:"
    assert dispatcher.messages[0]["buttons"] == BUTTONS


def test_rasa_shell_gets_the_choices_as_text(dispatcher):
    utter_with_buttons(dispatcher, tracker_on("cmdline"), "Related questions:", BUTTONS)

    assert dispatcher.messages[0]["text"] == "Related questions:\n  - Is it safe?\n  - Book a consultation"
    assert not dispatcher.messages[0]["buttons"]
