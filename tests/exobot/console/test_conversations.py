"""exobot/console/conversations.py: search by text and date, and transcripts with intent and confidence."""

from datetime import datetime, timedelta

from rasa.shared.core.events import ActionExecuted, BotUttered

from exobot.console.conversations import like_pattern, oldest_message, search, transcript
from tests.exobot.console.conftest import DAY, opening, save, turn


def test_text_is_found_in_any_case_and_wildcards_are_only_text(store, database, now):
    save(store, "a", turn("Does it HURT?", "ask_procedure_details", "action_answer_faq", now - 100))
    save(store, "b", turn("is 50% off possible", "ask_cost", "action_hand_over", now - 50))
    save(store, "c", turn("café au lait spots", "ask_pigmentation", "action_answer_faq", now - 20))
    save(store, "d", turn('the "quoted" word', "out_of_scope", "action_answer_out_of_scope", now - 10))

    assert [s.sender for s in search(database, "does it hurt")] == ["a"]
    assert search(database, "does it hurt")[0].match.endswith("Does it HURT?")  # the newest message that has it
    assert [s.sender for s in search(database, "50%")] == ["b"]
    assert [s.sender for s in search(database, "_")] == []
    assert [s.sender for s in search(database, "café")] == ["c"]
    assert [s.sender for s in search(database, '"quoted"')] == ["d"]
    assert [s.sender for s in search(database, "intent")] == []  # field names of the stored JSON are not text
    assert [s.sender for s in search(database, "")] == ["d", "c", "b", "a"]
    assert "!%" in like_pattern("50%")


def test_the_bot_replies_are_searched_too_and_dates_limit_the_results(store, database, now):
    save(store, "old", turn("what are exosomes", "ask_what_are_exosomes", "action_answer_faq", now - 5 * DAY))
    save(store, "new", turn("what are exosomes", "ask_what_are_exosomes", "action_answer_faq", now - 60))
    today = datetime.fromtimestamp(now).date()

    assert {s.sender for s in search(database, "reply to what")} == {"old", "new"}
    assert [s.sender for s in search(database, "exosomes", start=today - timedelta(days=1))] == ["new"]
    assert [s.sender for s in search(database, "exosomes", end=today - timedelta(days=2))] == ["old"]


def test_a_summary_counts_the_visitor_messages_without_the_widget_opening(store, database, now):
    save(store, "visitor", opening(now - 100) + turn("hello", "greet", "utter_greet", now - 90))

    [summary] = search(database)

    assert summary.visitor_messages == 1 and summary.first_at <= summary.last_at


def test_a_transcript_shows_each_message_with_intent_confidence_and_what_the_bot_did(store, database, now):
    events = opening(now - 100) + turn(
        "wot r exosomes",
        "nlu_fallback",
        "action_clarify",
        now - 90,
        confidence=0.4,
        ranking=[{"name": "nlu_fallback", "confidence": 0.4}, {"name": "ask_what_are_exosomes", "confidence": 0.35}],
    )
    events += [
        ActionExecuted("action_answer_faq", timestamp=now - 80),
        BotUttered("Exosomes are...", data={"buttons": [{"title": "Is it safe?", "payload": "/ask_safety_risks"}]}),
    ]
    save(store, "visitor", events)

    lines = transcript(database, "visitor")

    assert [line.kind for line in lines] == ["session", "bot", "visitor", "bot", "bot"]
    visitor = lines[2]
    assert (visitor.text, visitor.intent, visitor.confidence, visitor.outcome) == (
        "wot r exosomes",
        "nlu_fallback",
        0.4,
        "clarified",
    )
    assert lines[-1].buttons == ["Is it safe?"]
    assert transcript(database, "nobody") == []


def test_the_oldest_message_says_how_far_back_conversations_go(store, database, now):
    assert oldest_message(database) is None
    save(store, "visitor", turn("hello", "greet", "utter_greet", now - 3 * DAY))
    assert abs(oldest_message(database) - (now - 3 * DAY)) < 1
