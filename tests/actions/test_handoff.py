import pytest

from actions.handoff import ActionHandOver
from exobot.content import get_content
from tests.conftest import make_tracker

CONTENT = get_content()
CLINIC = CONTENT.clinic


@pytest.mark.parametrize(
    "intent, expected",
    [
        ("ask_cost", [CLINIC["phone"], CLINIC["email"]]),
        ("book_appointment", [CLINIC["booking_url"], CLINIC["phone"]]),
        ("ask_clinic_info", [CLINIC["address"], CLINIC["opening_hours"], CLINIC["phone"]]),
        ("request_human", [CLINIC["phone"], CLINIC["opening_hours"]]),
    ],
)
def test_handoff_gives_the_clinic_details(dispatcher, domain, intent, expected):
    ActionHandOver().run(dispatcher, make_tracker(intent), domain)

    [message] = dispatcher.messages
    for detail in expected:
        assert detail in message["text"]
    assert "{" not in message["text"]


def test_cost_question_quotes_no_price(dispatcher, domain):
    ActionHandOver().run(dispatcher, make_tracker("ask_cost", "how much is it"), domain)

    text = dispatcher.messages[0]["text"]
    assert not any(symbol in text for symbol in "£$€")


def test_unexpected_intent_falls_back_to_talking_to_the_team(dispatcher, domain):
    ActionHandOver().run(dispatcher, make_tracker("greet"), domain)

    assert dispatcher.messages[0]["text"] == CONTENT.with_clinic(CONTENT.messages["handoff"]["request_human"])
