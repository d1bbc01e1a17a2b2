import pytest

from actions.content import get_content
from actions.faq import ActionAnswerFaq
from tests.conftest import make_tracker

CONTENT = get_content()


@pytest.mark.parametrize("intent", sorted(CONTENT.answers))
def test_answer_is_followed_by_the_disclaimer_and_follow_ups(dispatcher, domain, intent):
    events = ActionAnswerFaq().run(dispatcher, make_tracker(intent), domain)

    answer, disclaimer = dispatcher.messages
    assert events == []
    assert answer["text"] == CONTENT.answers[intent].text
    assert disclaimer["text"] == CONTENT.disclaimer
    payloads = [button["payload"] for button in disclaimer["buttons"]]
    assert payloads == [f"/{name}" for name in CONTENT.answers[intent].follow_ups]
    assert 2 <= len(payloads) <= 3


def test_procedure_details_are_honest_that_the_source_is_silent(dispatcher, domain):
    ActionAnswerFaq().run(dispatcher, make_tracker("ask_procedure_details", "does it hurt"), domain)

    answer = dispatcher.messages[0]["text"]
    assert "does not cover" in answer
    assert "treatment plan" in answer
    assert "consultation" in answer
    assert "/book_appointment" in [b["payload"] for b in dispatcher.messages[1]["buttons"]]


@pytest.mark.parametrize("intent", [None, "out_of_scope", "nlu_fallback", "greet"])
def test_no_curated_answer_gives_the_honest_cannot_answer(dispatcher, domain, intent):
    ActionAnswerFaq().run(dispatcher, make_tracker(intent), domain)

    [message] = dispatcher.messages
    assert message["text"] == CONTENT.messages["out_of_scope"]
    assert message["buttons"]
