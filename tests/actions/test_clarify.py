import pytest

from actions.clarify import ActionClarify
from exobot.content import get_content
from tests.conftest import make_tracker

CONTENT = get_content()
RANKING = [
    {"name": "nlu_fallback", "confidence": 0.5},
    {"name": "ask_hair_restoration", "confidence": 0.41},
    {"name": "out_of_scope", "confidence": 0.3},
    {"name": "ask_safety_risks", "confidence": 0.2},
    {"name": "greet", "confidence": 0.04},
    {"name": "ask_cost", "confidence": 0.03},
]


def test_unsure_message_offers_the_likely_topics_and_something_else(dispatcher, domain):
    tracker = make_tracker("nlu_fallback", "my hair thing, the spots", ranking=RANKING)

    ActionClarify().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["text"] == CONTENT.say("clarify")
    assert [b["payload"] for b in message["buttons"]] == ["/ask_hair_restoration", "/ask_safety_risks", "/out_of_scope"]
    assert message["buttons"][-1]["title"] == CONTENT.messages["something_else_button"]


def test_second_miss_in_a_row_gives_the_clinic_details(dispatcher, domain):
    tracker = make_tracker("nlu_fallback", "hmm the other thing", ranking=RANKING, earlier_actions=["action_clarify"])

    ActionClarify().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert CONTENT.clinic["phone"] in message["text"]
    assert "buttons" not in message or not message["buttons"]


def test_a_miss_after_an_answer_asks_again(dispatcher, domain):
    tracker = make_tracker("nlu_fallback", "and the thing", ranking=RANKING, earlier_actions=["action_answer_faq"])

    ActionClarify().run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["text"] == CONTENT.say("clarify")


def test_no_likely_topic_gives_the_honest_cannot_answer(dispatcher, domain):
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "out_of_scope", "confidence": 0.45}]

    ActionClarify().run(dispatcher, make_tracker("nlu_fallback", "zzz", ranking=ranking), domain)

    assert dispatcher.messages[0]["text"] == CONTENT.say("out_of_scope")


@pytest.mark.parametrize("text", ["", "  "])
def test_empty_message_gets_a_prompt(dispatcher, domain, text):
    ActionClarify().run(dispatcher, make_tracker("nlu_fallback", text), domain)

    assert [m["text"] for m in dispatcher.messages] == [CONTENT.say("empty_message")]


def test_a_possible_report_of_a_problem_is_offered_first(dispatcher, domain):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.6},
        {"name": "ask_safety_risks", "confidence": 0.38},
        {"name": "ask_procedure_details", "confidence": 0.2},
        {"name": "report_adverse_reaction", "confidence": 0.15},
    ]
    tracker = make_tracker("nlu_fallback", "my cheek hot hard lump", ranking=ranking)

    ActionClarify().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["buttons"][0] == {
        "title": "I have a problem after a treatment",
        "payload": "/report_adverse_reaction",
    }
    assert [b["payload"] for b in message["buttons"][1:3]] == ["/ask_safety_risks", "/ask_procedure_details"]
    assert message["text"].endswith(CONTENT.with_clinic(CONTENT.messages["safety_line"]))
