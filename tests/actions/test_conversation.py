from actions.conversation import latest_intent, latest_text, previous_bot_action
from tests.conftest import make_tracker


def test_latest_message_is_read_as_classified():
    tracker = make_tracker("nlu_fallback", "something unclear")

    assert latest_intent(tracker) == "nlu_fallback"
    assert latest_text(tracker) == "something unclear"


def test_previous_bot_action_skips_listening():
    assert previous_bot_action(make_tracker("affirm", earlier_actions=["action_answer_faq"])) == "action_answer_faq"
    assert (
        previous_bot_action(make_tracker("affirm", earlier_actions=["utter_greet", "action_clarify"]))
        == "action_clarify"
    )


def test_no_previous_bot_action_in_a_new_conversation():
    assert previous_bot_action(make_tracker("greet")) is None
