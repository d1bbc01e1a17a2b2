import pytest
from rasa_sdk.events import SlotSet

from actions.faq import ActionAnswerFaq, ActionGiveDetails
from exobot.content import get_content
from tests.conftest import make_tracker

CONTENT = get_content()


@pytest.mark.parametrize("intent", sorted(CONTENT.answers))
def test_answer_is_followed_by_the_disclaimer_and_the_offer_of_more(dispatcher, domain, intent):
    events = ActionAnswerFaq().run(dispatcher, make_tracker(intent), domain)

    answer, *notes, disclaimer, offer = dispatcher.messages
    assert events == [SlotSet("current_topic", intent)]
    assert answer["text"] == CONTENT.answers[intent].text
    assert [note["text"] for note in notes] == CONTENT.answers[intent].notes
    assert disclaimer["text"] == CONTENT.disclaimer
    assert offer["text"] == CONTENT.say("more_offer")
    payloads = [button["payload"] for button in offer["buttons"]]
    assert payloads == ["/affirm"] + [f"/{name}" for name in CONTENT.answers[intent].follow_ups]
    assert 2 <= len(CONTENT.answers[intent].follow_ups) <= 3


@pytest.mark.parametrize("intent", sorted(CONTENT.answers))
def test_details_give_the_current_topics_longer_answer_and_the_disclaimer(dispatcher, domain, intent):
    tracker = make_tracker("affirm", "tell me more", slots={"current_topic": intent})

    ActionGiveDetails().run(dispatcher, tracker, domain)

    detail, *notes, disclaimer = dispatcher.messages
    assert detail["text"] == CONTENT.answers[intent].detail
    assert [note["text"] for note in notes] == CONTENT.answers[intent].notes
    assert len(detail["text"]) > len(CONTENT.answers[intent].text)
    assert disclaimer["text"] == CONTENT.disclaimer
    assert [b["payload"] for b in disclaimer["buttons"]] == [f"/{n}" for n in CONTENT.answers[intent].follow_ups]


def test_yes_without_a_topic_is_a_friendly_prompt(dispatcher, domain):
    ActionGiveDetails().run(dispatcher, make_tracker("affirm", "yes"), domain)

    assert dispatcher.messages[0]["response"] == "utter_affirm"


def test_procedure_details_are_honest_that_the_source_is_silent(dispatcher, domain):
    ActionAnswerFaq().run(dispatcher, make_tracker("ask_procedure_details", "does it hurt"), domain)

    answer = dispatcher.messages[0]["text"]
    assert "does not cover" in answer
    assert "treatment plan" in answer
    assert "consultation" in answer
    assert "/book_appointment" in [b["payload"] for b in dispatcher.messages[2]["buttons"]]


@pytest.mark.parametrize("intent", [None, "out_of_scope", "nlu_fallback", "greet"])
def test_no_curated_answer_gives_the_honest_cannot_answer(dispatcher, domain, intent):
    ActionAnswerFaq().run(dispatcher, make_tracker(intent), domain)

    [message] = dispatcher.messages
    assert message["text"] == CONTENT.say("out_of_scope")
    assert message["buttons"]


def test_the_regulation_answer_names_the_fda_position_and_its_source(dispatcher, domain):
    ActionAnswerFaq().run(dispatcher, make_tracker("ask_regulation", "is it fda approved"), domain)

    note = dispatcher.messages[1]["text"]
    assert "no FDA-approved exosome products" in note
    assert (
        "(Source: U.S. Food and Drug Administration: Public Safety Notification on Exosome Products, 6 December 2019.)"
        in note
    )
