"""Follow-ups read in context, through the running bot: a message naming only a new aspect of the topic.

Each case: a visitor asks a topic question (answered with its button, as a visitor who tapped it), then a
follow-up. "detail" means the topic just discussed, read against the new aspect: its longer answer;
another intent means the new aspect is a topic of its own.
"""

import pytest

from exobot.content import get_content
from tests.visitor import Visitor

CONTENT = get_content()

# (topic first asked, follow-up, what a careful person answers)
FOLLOW_UPS = [
    ("ask_regulation", "what about in europe?", "detail"),
    ("ask_regulation", "and in the UK?", "detail"),
    ("ask_regulation", "what about australia", "detail"),
    ("ask_regulation", "is it the same in canada?", "detail"),
    ("ask_hair_restoration", "and for men?", "detail"),
    ("ask_hair_restoration", "what about for women?", "detail"),
    ("ask_hair_restoration", "and for a receding hairline?", "detail"),
    ("ask_skin_rejuvenation", "and for the neck?", "detail"),
    ("ask_skin_rejuvenation", "what about my hands?", "detail"),
    ("ask_skin_rejuvenation", "is it the same for hair?", "ask_hair_restoration"),
    ("ask_skin_rejuvenation", "does that hurt?", "ask_procedure_details"),
    ("ask_skin_rejuvenation", "how much is that?", "ask_cost"),
    ("ask_safety_risks", "and for older people?", "detail"),
    ("ask_safety_risks", "what about long term?", "ask_long_term_effects"),
    ("ask_safety_risks", "and is it approved?", "ask_regulation"),
    ("ask_wound_healing", "and for old scars?", "detail"),
    ("ask_wound_healing", "what about stretch marks?", "detail"),
    ("ask_pigmentation", "and for darker skin?", "detail"),
    ("ask_pigmentation", "what about freckles", "detail"),
    ("ask_long_term_effects", "and for hair?", "detail"),
    ("ask_long_term_effects", "what about for skin", "detail"),
    ("ask_treatment_methods", "and for the scalp?", "detail"),
    ("ask_treatment_methods", "does that hurt?", "ask_procedure_details"),
    ("ask_clinical_evidence", "and for hair?", "detail"),
    ("ask_clinical_evidence", "what about safety?", "ask_safety_risks"),
    ("ask_benefits", "and the downsides?", "detail"),  # the benefits' longer answer ends with their limits
    ("ask_non_invasive", "and compared with surgery?", "detail"),
]


def expected_first_reply(topic: str, reading: str) -> str:
    if reading == "detail":
        return CONTENT.answers[topic].detail
    if reading in CONTENT.answers:
        return CONTENT.answers[reading].text
    return CONTENT.with_clinic(CONTENT.messages["handoff"][reading])


def test_the_follow_ups_span_at_least_eight_topics():
    assert len(FOLLOW_UPS) >= 25 and len({topic for topic, _, _ in FOLLOW_UPS}) >= 8


@pytest.mark.parametrize("topic, follow_up, reading", FOLLOW_UPS, ids=[f"{t}: {f}" for t, f, _ in FOLLOW_UPS])
def test_a_follow_up_is_read_against_the_topic_just_discussed(stack, topic, follow_up, reading):
    visitor = Visitor(stack.rasa_url)
    visitor.say("/session_start")
    visitor.say(f"/{topic}")

    replies = visitor.texts(follow_up)

    assert replies[0] == expected_first_reply(topic, reading), replies
