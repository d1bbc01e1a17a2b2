from actions.safety import ActionGiveUrgentCare
from exobot.content import get_content
from tests.conftest import make_tracker

CONTENT = get_content()


def test_reported_problem_gets_urgent_care_guidance(dispatcher, domain):
    tracker = make_tracker("report_adverse_reaction", "my face is swollen since the injection yesterday")

    ActionGiveUrgentCare().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert CONTENT.clinic["phone"] in message["text"]
    assert "emergency" in message["text"]
    assert "contact the clinic that treated you now" in message["text"]


def test_urgent_care_is_not_an_faq_answer(dispatcher, domain):
    ActionGiveUrgentCare().run(dispatcher, make_tracker("report_adverse_reaction"), domain)

    texts = [message["text"] for message in dispatcher.messages]
    assert not set(texts) & {answer.text for answer in CONTENT.answers.values()}
    assert not any(message.get("buttons") for message in dispatcher.messages)
