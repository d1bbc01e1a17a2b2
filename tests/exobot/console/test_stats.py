"""exobot/console/stats.py on a small events table: the first bot action after each visitor message."""

from datetime import datetime

from exobot.console.stats import overview, read_rows, visitor_messages
from tests.exobot.console.conftest import DAY, opening, save, turn

TOPICS = {"ask_what_are_exosomes", "ask_cost", "ask_safety_risks", "report_adverse_reaction"}


def store_conversations(store, now):
    save(
        store,
        "recent",
        opening(now - 3600)
        + turn("what are exosomes", "ask_what_are_exosomes", "action_answer_faq", now - 3500)
        + turn("yes", "affirm", "action_give_details", now - 3400)
        + turn("how much is it", "ask_cost", "action_hand_over", now - 3300)
        + turn("is it safe", "ask_safety_risks", "action_answer_faq", now - 3200)
        + turn("hello", "greet", "utter_greet", now - 3100),
    )
    save(
        store,
        "urgent",
        turn("my face is swollen", "report_adverse_reaction", "action_give_urgent_care", now - 2 * DAY)
        + turn("zxqv", "nlu_fallback", "action_clarify", now - 2 * DAY + 10)
        + turn("no reply ever came", "out_of_scope", None, now - 2 * DAY + 20),
    )
    save(
        store,
        "older",
        turn("can you fix my car", "out_of_scope", "action_answer_out_of_scope", now - 10 * DAY)
        + turn("my lips are swollen", "report_adverse_reaction", "action_give_urgent_care", now - 9 * DAY)
        + turn("is it safe?", "ask_safety_risks", "action_answer_faq", now - 9 * DAY + 5),
    )
    save(store, "too-old", turn("what are exosomes", "ask_what_are_exosomes", "action_answer_faq", now - 40 * DAY))


def test_each_visitor_message_gets_the_first_action_after_it_and_the_widget_opening_is_not_a_message(
    store, database, now
):
    store_conversations(store, now)

    messages = visitor_messages(read_rows(database, now - 100 * DAY))

    recent = [(m.intent, m.outcome) for m in messages if m.sender == "recent"]
    assert recent == [
        ("ask_what_are_exosomes", "answered"),
        ("affirm", "answered"),
        ("ask_cost", "handed_over"),
        ("ask_safety_risks", "answered"),
        ("greet", "other"),
    ]
    urgent = [m.outcome for m in messages if m.sender == "urgent"]
    assert urgent == ["urgent_care", "clarified", "other"]  # a message the bot never acted on is "other"


def test_the_last_7_and_30_days_count_conversations_messages_and_shares(store, database, now):
    store_conversations(store, now)

    week, month = overview(database, now, TOPICS).periods

    assert (week.days, week.conversations, week.visitor_messages) == (7, 2, 8)
    assert week.outcomes == {
        "answered": 3,
        "clarified": 1,
        "out_of_scope": 0,
        "handed_over": 1,
        "urgent_care": 1,
        "other": 2,
    }
    assert week.share("answered") == 3 / 8
    assert week.bot_messages == 1 + 5 + 2  # the welcome, five replies, two in the urgent conversation
    assert (month.conversations, month.visitor_messages) == (3, 11)
    assert month.outcomes["out_of_scope"] == 1 and month.outcomes["urgent_care"] == 2
    assert month.topics[0] == ("ask_safety_risks", 2)
    assert dict(month.topics) == {
        "ask_safety_risks": 2,
        "report_adverse_reaction": 2,
        "ask_what_are_exosomes": 1,
        "ask_cost": 1,
    }


def test_urgent_care_conversations_are_listed_newest_first_with_what_the_visitor_wrote(store, database, now):
    store_conversations(store, now)

    urgent = overview(database, now, TOPICS).urgent

    assert [(c.sender, c.text, c.times) for c in urgent] == [
        ("urgent", "my face is swollen", 1),
        ("older", "my lips are swollen", 1),
    ]
    assert urgent[0].last_at > urgent[1].last_at


def test_messages_per_day_cover_30_days_ending_today(store, database, now):
    store_conversations(store, now)

    days = overview(database, now, TOPICS).per_day

    assert len(days) == 30 and days[-1][0] == datetime.fromtimestamp(now).date()
    assert sum(count for _, count in days) == 11
    assert days[-1][1] + days[-2][1] == 5  # the five of the last hour: today, or partly yesterday just after midnight


def test_an_empty_store_gives_zeros(database, now):
    week, month = overview(database, now, TOPICS).periods
    assert week.visitor_messages == 0 and week.share("answered") == 0.0 and month.topics == []
