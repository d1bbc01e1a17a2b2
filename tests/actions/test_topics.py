from actions.topics import ActionListTopics
from exobot.content import get_content
from tests.conftest import make_tracker

CONTENT = get_content()


def test_what_can_you_do_lists_the_topics_with_buttons_from_the_content_files(dispatcher, domain):
    ActionListTopics().run(dispatcher, make_tracker("ask_capabilities", "what can you do"), domain)

    [message] = dispatcher.messages
    assert message["text"] == CONTENT.say("capabilities")
    assert [b["payload"] for b in message["buttons"]] == [f"/{i}" for i in CONTENT.messages["capability_topics"]]
    assert [b["title"] for b in message["buttons"]][:2] == ["What are exosomes?", "Is it proven?"]
