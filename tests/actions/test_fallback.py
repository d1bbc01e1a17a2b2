import pytest

from actions.fallback import ActionAnswerOutOfScope
from exobot.content import get_content
from tests.conftest import make_tracker

CONTENT = get_content()


@pytest.mark.parametrize("intent", ["out_of_scope", "nlu_fallback"])
def test_unanswerable_message_offers_the_topics(dispatcher, domain, intent):
    ActionAnswerOutOfScope().run(dispatcher, make_tracker(intent, "how much botox do I need"), domain)

    [message] = dispatcher.messages
    assert message["text"].startswith("Sorry, I can't answer that")
    assert [b["payload"] for b in message["buttons"]] == [f"/{i}" for i in CONTENT.messages["topic_menu"]]
