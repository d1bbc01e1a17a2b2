"""The suitability check: "can I have it while pregnant?" gets the consult-a-professional answer, never a guess.

Whether a treatment suits a visitor depends on their health, which general information cannot judge.
A message that names the visitor's own situation (pregnancy, breastfeeding, a medicine, a skin or
other condition, a cancer history, their age, or who may give the treatment) and asks whether it
suits them goes to `ask_consultation`. The words are in suitability.yml. The red-flag check runs after
this one: a reported problem after a treatment still gets urgent care.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from exobot.nlu.keywords import found_signs, make_top_intent
from exobot.nlu.rule_classifier import RuleClassifier
from exobot.nlu.spelling import CORRECTED_TEXT

PATTERNS_FILE = Path(__file__).parent / "suitability.yml"
CONSULTATION_INTENT = "ask_consultation"


def asks_about_suitability(*texts: Text) -> bool:
    signs = set(found_signs(PATTERNS_FILE, texts))
    asked = bool({"question", "suitability_question"} & signs)
    suits = ("situation" in signs and asked) or {"own_health", "suitability_question"} <= signs
    return suits and "other_activity" not in signs and "about_the_treatment" in signs


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SuitabilityClassifier(RuleClassifier):
    """Routes a question about personal suitability to `ask_consultation`."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if (message.get("edge") or {}).get("kind"):
                continue  # another language, an instruction request, another treatment: not about suitability
            if (
                isinstance(text, str)
                and text.strip()
                and asks_about_suitability(text, message.get(CORRECTED_TEXT) or "")
            ):
                make_top_intent(message, CONSULTATION_INTENT)
        return messages
