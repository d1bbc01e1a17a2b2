"""exobot/nlu/blank_message.py: the one place an empty message is recognised; it becomes nlu_fallback."""

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from exobot.nlu.blank_message import BlankMessageClassifier


def test_blank_messages_become_nlu_fallback_and_others_keep_their_intent():
    guessed = {"name": "affirm", "confidence": 0.7}
    messages = [Message(data={TEXT: text, INTENT: dict(guessed)}) for text in ("", "   \n\t", "what are exosomes")]
    BlankMessageClassifier().process(messages)
    assert [m.get(INTENT)["name"] for m in messages] == ["nlu_fallback", "nlu_fallback", "affirm"]
    assert messages[0].get(INTENT_RANKING_KEY) == [{"name": "nlu_fallback", "confidence": 1.0}]
