"""exobot/console/helpfulness.py on a small votes table: shares per answer and period, every No, transcripts."""

import uuid

from rasa.shared.core.events import BotUttered

from exobot.console.conversations import transcript
from exobot.console.helpfulness import not_helpful, periods, votes_of
from exobot.console.unanswered import label
from exobot.server.feedback import Answered, Vote, record
from tests.exobot.console.conftest import DAY, save, turn


def vote(database, topic, helpful, voted_at, comment=None, sender=None, kind="answer") -> Vote:
    """A vote on a new answer on `topic`, cast at `voted_at`."""
    given = Vote(sender or uuid.uuid4().hex, uuid.uuid4().hex, helpful, comment)
    record(database.engine, given, Answered(topic, kind, voted_at - 30), voted_at)
    return given


def test_each_period_counts_its_votes_and_lists_answers_lowest_share_first(database, now):
    for helpful in (True, True, False):
        vote(database, "ask_benefits", helpful, now - DAY)  # 2 of 3
    vote(database, "ask_safety_risks", False, now - DAY)  # 0 of 1
    vote(database, "ask_regulation", True, now - DAY)  # 1 of 1
    vote(database, "ask_regulation", False, now - 10 * DAY)  # only in the last 30 days
    vote(database, "ask_hair_restoration", False, now - 40 * DAY)  # in neither

    week, month = periods(database, now)

    assert (week.days, week.votes, week.helpful, week.share) == (7, 5, 3, 0.6)
    assert [(r.topic, r.votes, r.helpful) for r in week.ratings] == [
        ("ask_safety_risks", 1, 0),
        ("ask_benefits", 3, 2),
        ("ask_regulation", 1, 1),
    ]
    assert (month.days, month.votes, month.helpful) == (30, 6, 3)
    assert [(r.topic, r.share) for r in month.ratings][:2] == [("ask_safety_risks", 0.0), ("ask_regulation", 0.5)]


def test_no_votes_give_no_share(database, now):
    assert [(p.votes, p.share, p.ratings) for p in periods(database, now)] == [(0, None, []), (0, None, [])]


def test_every_no_is_listed_newest_first_with_its_comment_and_what_staff_decided(database, now, tmp_path):
    vote(database, "ask_benefits", True, now - 100)
    older = vote(database, "ask_benefits", False, now - 200, "the price of a session")
    newer = vote(database, "ask_safety_risks", False, now - 50, kind="detail")
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    label(database, "alice", [("The price of a session", "__skip__")], nlu, now, evaluation=[])

    listed = not_helpful(database, now - 30 * DAY)

    assert [(n.sender, n.answer_id, n.topic, n.kind, n.comment) for n in listed] == [
        (newer.sender, newer.answer_id, "ask_safety_risks", "detail", ""),
        (older.sender, older.answer_id, "ask_benefits", "answer", "the price of a session"),
    ]
    assert [n.decision for n in listed] == ["", "skip"]
    assert not_helpful(database, now - 100) == listed[:1]


def test_a_transcript_line_names_its_answer_and_the_conversation_shows_the_vote(store, database, now):
    answer_id = uuid.uuid4().hex
    marker = {"feedback": {"id": answer_id, "topic": "ask_benefits", "kind": "answer"}}
    events = turn("what are the benefits", "ask_benefits", "action_answer_faq", now - 60)
    events.insert(-1, BotUttered("Would you like to know more?", data={"custom": marker}, timestamp=now - 59))
    save(store, "visitor", events)
    record(database.engine, Vote("visitor", answer_id, False, "prices"), Answered("ask_benefits", "answer", now), now)

    lines = transcript(database, "visitor")

    assert [line.answer_id for line in lines if line.kind == "bot"] == ["", answer_id]
    assert lines[0].outcome == "answered"
    [(voted, given)] = votes_of(database, "visitor").items()
    assert (voted, given.helpful, given.comment) == (answer_id, False, "prices")
    assert votes_of(database, "someone else") == {}
