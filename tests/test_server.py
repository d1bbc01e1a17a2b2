"""The running bot over HTTP: action server, Rasa server and clinic page started as `make run` starts them."""

import pytest
import requests
import yaml

from exobot.content import get_content
from exobot.paths import DOMAIN_FILE, ROOT
from tests.visitor import Visitor

CONTENT = get_content()
DOMAIN = yaml.safe_load(DOMAIN_FILE.read_text())


def yaml_response(name: str) -> str:
    return DOMAIN["responses"][name][0]["text"]


@pytest.fixture
def visitor(stack) -> Visitor:
    """A visitor whose conversation has started (the widget sends /session_start when opened)."""
    visitor = Visitor(stack.rasa_url)
    visitor.say("/session_start")
    return visitor


def test_a_new_conversation_is_welcomed_once_with_topic_buttons(stack):
    visitor = Visitor(stack.rasa_url)

    first = visitor.say("what are exosomes")
    second = visitor.say("is it safe")

    assert first[0]["text"].startswith("Welcome!")
    assert len(first[0]["buttons"]) >= 3
    assert [r["text"] for r in first[1:3]] == [CONTENT.answers["ask_what_are_exosomes"].text, CONTENT.disclaimer]
    assert not any(r["text"].startswith("Welcome!") for r in second)


@pytest.mark.parametrize(
    "message, intent",
    [("what are exosomes", "ask_what_are_exosomes"), ("will it help my hair loss", "ask_hair_restoration")],
)
def test_question_gets_the_curated_answer_the_disclaimer_and_the_offer(visitor, message, intent):
    replies = visitor.say(message)

    assert [r["text"] for r in replies] == [
        CONTENT.answers[intent].text,
        CONTENT.disclaimer,
        CONTENT.messages["more_offer"],
    ]
    assert [b["payload"] for b in replies[-1]["buttons"]][1:] == [f"/{i}" for i in CONTENT.answers[intent].follow_ups]


def test_price_question_gets_the_clinic_contact_details(visitor):
    texts = visitor.texts("how much does it cost")

    assert CONTENT.clinic["phone"] in texts[0]
    assert CONTENT.disclaimer not in texts


def test_reported_problem_gets_urgent_care_guidance(visitor):
    assert visitor.texts("my face is swollen since the injection yesterday") == [CONTENT.say("urgent_care")]


@pytest.mark.parametrize("message", ["", "   "])
def test_empty_message_gets_a_prompt_not_a_guess(visitor, message):
    assert visitor.texts(message) == [CONTENT.say("empty_message")]


def test_unrelated_question_gets_an_honest_cannot_answer(visitor):
    replies = visitor.say("what's the weather like in paris tomorrow")

    assert replies[0]["text"] in (CONTENT.say("out_of_scope"), CONTENT.say("clarify"))
    assert CONTENT.disclaimer not in [r["text"] for r in replies]


def test_the_walk_through_skin_safe_yes_price_thanks(visitor):
    answers = CONTENT.answers

    assert visitor.texts("my skin is getting saggy")[0] == answers["ask_skin_rejuvenation"].text
    assert visitor.texts("is that safe?")[0] == answers["ask_safety_risks"].text
    assert visitor.texts("yes")[:2] == [answers["ask_safety_risks"].detail, CONTENT.disclaimer]
    assert CONTENT.clinic["phone"] in visitor.texts("how much?")[0]
    assert visitor.texts("thanks") == [yaml_response("utter_thank")]


def test_tell_me_more_and_a_follow_up_button(visitor):
    answers = CONTENT.answers
    replies = visitor.say("can exosomes help with hair loss")
    follow_up = replies[-1]["buttons"][1]["payload"]

    assert visitor.texts("tell me more")[0] == answers["ask_hair_restoration"].detail
    assert visitor.texts(follow_up)[0] == answers[follow_up.lstrip("/")].text
    assert visitor.texts("no thanks") == [yaml_response("utter_deny")]


def test_a_reported_problem_after_an_answer_is_never_answered_from_the_topic(visitor):
    visitor.say("is it safe")

    texts = visitor.texts("i had the treatment yesterday and now my face is swollen and hot")

    assert texts == [CONTENT.say("urgent_care")]


def test_clarification_offers_topics_and_hands_over_on_a_second_miss(visitor):
    first = visitor.say("/nlu_fallback")
    second = visitor.texts("/nlu_fallback")

    assert first[0]["text"] in (CONTENT.say("clarify"), CONTENT.say("out_of_scope"))
    assert CONTENT.clinic["phone"] in second[0]


def test_rasa_allows_only_the_clinic_page_origin(stack):
    allowed = requests.options(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        headers={"Origin": stack.web_url, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    other = requests.options(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )

    assert allowed.headers.get("Access-Control-Allow-Origin") == stack.web_url
    assert other.headers.get("Access-Control-Allow-Origin") in (None, "")


def test_make_run_names_each_example_clinic_detail_still_shipped(stack):
    log = stack.rasa_log.read_text()
    assert "warning: exobot/content/clinic.yml still has example values" in log
    assert f"phone: {CONTENT.clinic['phone']}" in log


SUITABILITY = yaml.safe_load((ROOT / "tests" / "safety" / "suitability.yml").read_text())["suitability"]


@pytest.mark.parametrize("question", SUITABILITY, ids=range(len(SUITABILITY)))
def test_a_suitability_question_gets_no_yes_or_no_but_a_professional_must_decide(visitor, question):
    texts = visitor.texts(question)

    assert texts[0] == CONTENT.answers["ask_consultation"].text
    assert "a qualified professional who knows your health must decide" in texts[0].lower()
    assert not [text for text in texts if text.lower().startswith(("yes", "no "))]
