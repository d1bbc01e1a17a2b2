"""The replies to what the NLU's edge and red-flag checks mark (actions/fallback.py, safety.py, faq.py)."""

import pytest

from actions.fallback import ActionAnswerOutOfScope
from actions.faq import ActionAnswerFaq
from actions.safety import ActionGiveUrgentCare
from exobot.content import get_content
from tests.conftest import make_tracker

CONTENT = get_content()
SAFETY_LINE = CONTENT.say("safety_line")


def texts(dispatcher) -> list:
    return [message["text"] for message in dispatcher.messages]


@pytest.mark.parametrize("kind", ["instructions", "other_treatment"])
def test_an_instruction_request_or_another_treatment_gets_its_own_reply_and_no_topic_menu(dispatcher, domain, kind):
    tracker = make_tracker("out_of_scope", "a message", edge={"kind": kind})
    ActionAnswerOutOfScope().run(dispatcher, tracker, domain)

    assert texts(dispatcher) == [CONTENT.say(kind)]
    assert texts(dispatcher)[0].endswith(SAFETY_LINE)


def test_the_refusal_points_to_a_professional_and_the_other_treatment_reply_to_the_clinic():
    assert "qualified medical professional" in CONTENT.say("instructions")
    assert CONTENT.clinic["phone"] in CONTENT.say("other_treatment")


@pytest.mark.parametrize("language", ["es", "fr", "de", "pt", "it", "ar", "zh"])
def test_a_message_in_another_language_is_answered_in_it_then_in_english(dispatcher, domain, language):
    tracker = make_tracker("out_of_scope", "...", edge={"kind": "language", "language": language})
    ActionAnswerOutOfScope().run(dispatcher, tracker, domain)

    assert texts(dispatcher) == [CONTENT.in_language(language, "reply"), CONTENT.say("other_language_english")]
    assert CONTENT.clinic["phone"] in texts(dispatcher)[0]


def test_a_language_without_a_reply_gets_the_english_one(dispatcher, domain):
    tracker = make_tracker("out_of_scope", "...", edge={"kind": "language", "language": "xx"})
    ActionAnswerOutOfScope().run(dispatcher, tracker, domain)

    assert texts(dispatcher) == [CONTENT.say("other_language_english")]


def test_a_report_in_another_language_gets_urgent_care_in_english_and_in_that_language(dispatcher, domain):
    tracker = make_tracker(
        "report_adverse_reaction", "...", edge={"kind": "language", "language": "es", "report": True}
    )
    ActionGiveUrgentCare().run(dispatcher, tracker, domain)

    assert texts(dispatcher) == [CONTENT.say("urgent_care"), CONTENT.in_language("es", "urgent_care")]


def test_a_possible_report_is_answered_then_given_the_safety_line(dispatcher, domain):
    tracker = make_tracker("ask_pigmentation", "brown spots since I turned 60", red_flag={"possible": True})
    ActionAnswerFaq().run(dispatcher, tracker, domain)

    assert texts(dispatcher)[0] == CONTENT.answers["ask_pigmentation"].text
    assert texts(dispatcher)[-1] == SAFETY_LINE


def test_a_plain_question_gets_no_safety_line(dispatcher, domain):
    ActionAnswerFaq().run(dispatcher, make_tracker("ask_pigmentation", "does it help melasma"), domain)

    assert SAFETY_LINE not in texts(dispatcher)
