"""The running bot over HTTP: action server and Rasa server started as `make run` starts them."""
import uuid
from typing import List

import pytest
import requests

from actions.content import get_content

CONTENT = get_content()


@pytest.fixture(scope="session")
def bot_url(stack) -> str:
    return stack.rasa_url


def say(bot_url: str, message: str) -> List[dict]:
    response = requests.post(
        f"{bot_url}/webhooks/rest/webhook", json={"sender": uuid.uuid4().hex, "message": message}, timeout=30
    )
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    "message, intent",
    [("what are exosomes", "ask_what_are_exosomes"), ("will it help my hair loss", "ask_hair_restoration")],
)
def test_question_gets_the_curated_answer_then_the_disclaimer(bot_url, message, intent):
    replies = say(bot_url, message)

    assert [reply["text"] for reply in replies] == [CONTENT.answers[intent].text, CONTENT.disclaimer]
    assert replies[-1]["buttons"]


def test_price_question_gets_the_clinic_contact_details(bot_url):
    replies = say(bot_url, "how much does it cost")

    assert CONTENT.clinic["phone"] in replies[0]["text"]
    assert CONTENT.disclaimer not in [reply["text"] for reply in replies]


def test_reported_problem_gets_urgent_care_guidance(bot_url):
    replies = say(bot_url, "my face is swollen since the injection yesterday")

    assert replies == [{"recipient_id": replies[0]["recipient_id"], "text": CONTENT.with_clinic(CONTENT.messages["urgent_care"])}]


@pytest.mark.parametrize("message", ["", "   "])
def test_empty_message_gets_a_prompt_not_a_guess(bot_url, message):
    replies = say(bot_url, message)

    assert [reply["text"] for reply in replies] == [CONTENT.messages["empty_message"]]


def test_unrelated_question_gets_an_honest_cannot_answer(bot_url):
    replies = say(bot_url, "what's the weather like in paris tomorrow")

    assert replies[0]["text"] == CONTENT.messages["out_of_scope"]
    assert len(replies[0]["buttons"]) == len(CONTENT.messages["topic_menu"])


def test_rasa_allows_only_the_clinic_page_origin(stack):
    allowed = requests.options(f"{stack.rasa_url}/webhooks/rest/webhook",
                               headers={"Origin": stack.web_url, "Access-Control-Request-Method": "POST"}, timeout=10)
    other = requests.options(f"{stack.rasa_url}/webhooks/rest/webhook",
                             headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"}, timeout=10)

    assert allowed.headers.get("Access-Control-Allow-Origin") == stack.web_url
    assert other.headers.get("Access-Control-Allow-Origin") in (None, "")
