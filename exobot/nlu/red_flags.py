"""The red-flag check: a visitor describing a problem after their own treatment gets urgent care, whatever else.

It runs last in the NLU pipeline, after the classifier and the fallback, so no FAQ answer, "Did you
mean ...?" or "I can't answer that" can come before it. A message is a report when it names a symptom
and enough signs point to the visitor's own recent treatment and present state, more than to a
general or imagined question. The words are in red_flags.yml, each sign with its weight:

    +2  they had a treatment ("since my injection", "where they injected", "I had it done")
    +1  after "the" treatment (theirs, or any: "can I fly after the treatment?")
    +1  a treatment is mentioned at all ("the jab", "tx", "my appointment"), with a "when" below
    +1  they describe themselves ("my lips", "I'm", "she has") or a problem that won't go away
    +2  when: "since", "ago", "yesterday", "overnight";  +1  "now", "still", "getting worse", "is swelling"
    +1  asking for help ("help", "is this normal?", "should I come in?")
    +1  a sign that needs a doctor soon (red streaks, pus, fever, breathing, vision, drooping)
    -2  a general question ("risks", "side effects", "could it cause ...")
    -3  imagined ("what if", "if I", "will I")
    -3  planning ahead ("in two weeks", "my wedding", "before having it")
    -2  wanting a treatment for something ("can exosomes help my scars?"), unless they had one
    -3  someone close is ill ("my son has a fever"): a report only with their treatment named
    -5  long ago, a pet, a cold, rebooking, or a figure of speech ("itching to book")
    -4  an everyday cause: a skin-care product, weight loss, a move, mornings ("red since my new retinol")

Chat shorthand ("u", "tx", "appt") is written out first. A message with a symptom, about the visitor or
a treatment (one of the first four signs), and a total
of at least 2 is a report. It also works the other way: when the classifier took a plainly general
question (a negative total: "if I get a headache after treatment, is that something to worry about?")
for a report, the question goes to the next intent in the ranking, or to "Did you mean ...?" (which
offers "I have a problem after a treatment" first) when that one is unsure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from exobot.nlu.edges import EDGE_KEY
from exobot.nlu.keywords import found_signs, make_top_intent
from exobot.nlu.rule_classifier import RuleClassifier
from exobot.nlu.spelling import CORRECTED_TEXT
from exobot.nlu.suitability import asks_about_suitability

PATTERNS_FILE = Path(__file__).parent / "red_flags.yml"
REPORT_INTENT = "report_adverse_reaction"
RED_FLAG_KEY = "red_flag"
THRESHOLD = 2
NO_CONFIDENT_INTENT = "nlu_fallback"
# A report with no treatment named and no serious sign still gets urgent care first when the classifier
# gives the report intent at least this (the FallbackClassifier's threshold; evaluation/edges/, development part).
CLEAR_REPORT_CONFIDENCE = 0.4
WEIGHTS = {
    "after_own_treatment": 2,
    "after_a_treatment": 1,
    "treatment_mentioned": 1,
    "personal": 1,
    "recently": 2,
    "changing": 1,
    "urgency": 1,
    "serious": 1,
    "general_question": -2,
    "hypothetical": -3,
    "planning": -3,
    "wants_treatment": -2,
    "not_about_a_recent_treatment": -5,
    "someone_else_ill": -3,
    "everyday_cause": -4,
}


# Signs that a message asks in general, or about a treatment still to come, rather than tells of a problem.
QUESTION_SIGNS = {"general_question", "planning", "not_about_a_recent_treatment"}


@dataclass(frozen=True)
class Verdict:
    is_report: bool
    score: int
    signs: Tuple[Text, ...]


def judge(*texts: Text) -> Verdict:
    """Whether the text (as typed, and as spell-corrected when given) reports a problem after a treatment.

    A report buried after another question ("Is there wheelchair access? Also her bruising is much worse")
    counts: each sentence is judged too, and one with a sign that needs a doctor soon is enough.
    """
    whole = judge_text(*texts)
    if whole.is_report:
        return whole
    for part in re.split(r"(?<=[.?!])\s+|\balso\b|\badditionally\b", texts[0], flags=re.IGNORECASE):
        verdict = judge_text(part)
        if verdict.is_report and ("serious" in verdict.signs or "not_about_a_recent_treatment" not in whole.signs):
            return verdict
    return whole


def judge_text(*texts: Text) -> Verdict:
    """The verdict on one text (as typed, and as spell-corrected when given)."""
    signs = found_signs(PATTERNS_FILE, texts)
    score = sum(WEIGHTS.get(sign, 0) for sign in signs)
    if "treatment_mentioned" in signs and not {"recently", "changing"} & set(signs):
        score -= WEIGHTS["treatment_mentioned"]  # a treatment named without a when is no sign of a report
    if "not_about_a_recent_treatment" in signs and "serious" in signs and "after_own_treatment" in signs:
        score -= WEIGHTS["not_about_a_recent_treatment"]  # "can I rebook? her face is red and spreading"
    if "everyday_cause" in signs and "after_own_treatment" in signs:
        score -= WEIGHTS["everyday_cause"]  # "since my injection, even the cream I use stings"
    if "wants_treatment" in signs and "after_own_treatment" in signs:
        score -= WEIGHTS["wants_treatment"]  # "I had exosomes and now a rash: what can help?"
    about_someone = bool({"after_own_treatment", "after_a_treatment", "treatment_mentioned", "personal"} & set(signs))
    if {"symptoms", "after_own_treatment", "recently"} <= set(signs) and not QUESTION_SIGNS & set(signs):
        score = max(score, THRESHOLD)  # a symptom since a treatment they had: whatever they go on to ask
    return Verdict("symptoms" in signs and about_someone and score >= THRESHOLD, score, signs)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RedFlagClassifier(RuleClassifier):
    """Routes a reported problem after a treatment to `report_adverse_reaction`, ahead of every other intent."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # the FallbackClassifier's threshold: below it, a demoted question gets "Did you mean ...?"
        return {"threshold": 0.4}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            verdict = judge(text, message.get(CORRECTED_TEXT) or "")
            if verdict.is_report and "after_own_treatment" not in verdict.signs and asks_about_suitability(text):
                continue  # "I'm on blood thinners, is that ok?": a question about suitability, not a report
            if verdict.is_report and is_clear_report(verdict, classifier_confidence(message)):
                route_to_urgent_care(message, verdict)
            elif verdict.is_report:
                mark_possible_report(message, verdict, float(self.config["threshold"]))
            elif verdict.score < 0 and (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == REPORT_INTENT:
                demote_report(message, float(self.config["threshold"]))
        return messages


def is_clear_report(verdict: Verdict, confidence: float) -> bool:
    """Urgent care first, unless the message asks for a treatment for its concern with no sign of a treatment
    the visitor had, of a need for a doctor soon or of a call for help, and the classifier does not read it as a
    report (confidence under CLEAR_REPORT_CONFIDENCE): "brown spots on my hands since I turned 60, can
    exosomes help?" is a possible report, answered and followed by the safety line.
    """
    if "wants_treatment" not in verdict.signs:
        return True  # describing a problem, not asking for a treatment for it
    evidence = {"after_own_treatment", "after_a_treatment", "serious", "urgency"} & set(verdict.signs)
    return bool(evidence) or confidence >= CLEAR_REPORT_CONFIDENCE


def classifier_confidence(message: Message) -> float:
    """How sure the trained classifier was that the message is a report (0 when it ranked it nowhere)."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    return max(
        (float(e[PREDICTED_CONFIDENCE_KEY]) for e in ranking if e.get(INTENT_NAME_KEY) == REPORT_INTENT), default=0.0
    )


def mark_possible_report(message: Message, verdict: Verdict, threshold: float) -> None:
    """Answer the question the message also asks, and mark it so the answer is followed by the safety line."""
    if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == REPORT_INTENT:
        demote_report(message, threshold)
    message.set(
        RED_FLAG_KEY, {"score": verdict.score, "signs": list(verdict.signs), "possible": True}, add_to_output=True
    )


def route_to_urgent_care(message: Message, verdict: Verdict) -> None:
    """Make the report intent the message's intent, and say which signs were found."""
    edge = message.get(EDGE_KEY) or {}
    if edge and edge.get("kind") != "language":
        message.set(EDGE_KEY, None, add_to_output=True)  # a report after any treatment is a report
    make_top_intent(message, REPORT_INTENT)
    message.set(RED_FLAG_KEY, {"score": verdict.score, "signs": list(verdict.signs)}, add_to_output=True)


def demote_report(message: Message, threshold: float) -> None:
    """A general question taken for a report: the next intent in the ranking, or nlu_fallback if that is unsure."""
    ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get(INTENT_NAME_KEY) != REPORT_INTENT]
    best = ranking[0] if ranking else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
    if best[PREDICTED_CONFIDENCE_KEY] < threshold:
        best = {INTENT_NAME_KEY: NO_CONFIDENT_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0 - best[PREDICTED_CONFIDENCE_KEY]}
    message.set(INTENT, best, add_to_output=True)
