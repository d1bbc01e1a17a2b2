import pytest

from actions.content import get_content
from actions.fallback import ActionAnswerOutOfScope
from tests.conftest import make_tracker

CONTENT = get_content()


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_message_gets_a_prompt_to_type_a_question(dispatcher, domain, text):
    ActionAnswerOutOfScope().run(dispatcher, make_tracker("nlu_fallback", text), domain)

    [message] = dispatcher.messages
    assert message["text"] == CONTENT.messages["empty_message"]


@pytest.mark.parametrize("intent", ["out_of_scope", "nlu_fallback"])
def test_unanswerable_message_offers_the_topics(dispatcher, domain, intent):
    ActionAnswerOutOfScope().run(dispatcher, make_tracker(intent, "how much botox do I need"), domain)

    [message] = dispatcher.messages
    assert message["text"].startswith("Sorry, I can't answer that")
    assert [b["payload"] for b in message["buttons"]] == [f"/{i}" for i in CONTENT.messages["topic_menu"]]
