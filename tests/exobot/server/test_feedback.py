"""Votes on answers (exobot/server/feedback.py) and the website channel keeping them, on a real SQLite store."""

import asyncio
import json
import time
import uuid

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from exobot import rasa_compat
from exobot.server import feedback
from exobot.server.feedback import FEEDBACK, BadVote, Vote, VoteLimits, parse_vote
from exobot.server.website import WebsiteInput


def body(**payload) -> bytes:
    return json.dumps(payload).encode("utf-8")


def answer_event(answer_id: str, topic: str, at: float, kind: str = "answer") -> BotUttered:
    """The last message of a curated answer, as Rasa stores it: the offer of more with the feedback marker."""
    marker = {"feedback": {"id": answer_id, "topic": topic, "kind": kind, "question": "Was this helpful?"}}
    return BotUttered("Would you like to know more?", data={"buttons": [], "custom": marker}, timestamp=at)


@pytest.fixture
def store(tmp_path) -> SQLTrackerStore:
    return SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "conversations.db"))


@pytest.fixture
def answered(store) -> dict:
    """Two conversations, each given one answer: {sender: answer id}."""
    ids = {}
    now = time.time()
    for sender, topic in [("visitor-a", "ask_benefits"), ("visitor-b", "ask_safety_risks")]:
        ids[sender] = uuid.uuid4().hex
        events = [
            ActionExecuted("action_listen", timestamp=now),
            UserUttered("a question", timestamp=now + 1),
            ActionExecuted("action_answer_faq", timestamp=now + 2),
            BotUttered("An answer.", timestamp=now + 3),
            answer_event(ids[sender], topic, now + 4),
            ActionExecuted("action_listen", timestamp=now + 5),
        ]
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    return ids


def stored_votes(store) -> list:
    with store.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sa.select(FEEDBACK))]


def test_a_vote_names_the_conversation_the_answer_and_yes_or_no():
    answer = uuid.uuid4().hex
    assert parse_vote(body(sender=" v1 ", answer=answer, vote="yes")) == Vote("v1", answer, True, None)
    assert parse_vote(body(sender="v1", answer=answer, vote="no", comment=" the price\x00 ")) == Vote(
        "v1", answer, False, "the price"
    )
    assert parse_vote(body(sender="v1", answer=answer, vote="no", comment="x" * 300)).comment == "x" * 300


ANSWER = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"not json", "JSON"),
        (b'{"sender": "a", "vote": "caf\xe9"}', "JSON"),
        (body(), "'sender'"),
        (json.dumps(["a"]).encode(), "JSON object"),
        (body(answer=ANSWER, vote="yes"), "'sender'"),
        (body(sender="", answer=ANSWER, vote="yes"), "'sender'"),
        (body(sender="s" * 129, answer=ANSWER, vote="yes"), "'sender'"),
        (body(sender="a", vote="yes"), "'answer'"),
        (body(sender="a", answer="1 OR 1=1", vote="yes"), "'answer'"),
        (body(sender="a", answer="%" * 32, vote="yes"), "'answer'"),
        (body(sender="a", answer=ANSWER.upper(), vote="yes"), "'answer'"),
        (body(sender="a", answer=ANSWER), "'vote'"),
        (body(sender="a", answer=ANSWER, vote="maybe"), "'vote'"),
        (body(sender="a", answer=ANSWER, vote=True), "'vote'"),
        (body(sender="a", answer=ANSWER, vote="no", comment=42), "'comment'"),
        (body(sender="a", answer=ANSWER, vote="no", comment="x" * 301), "at most 300 characters"),
        (body(sender="a", answer=ANSWER, vote="yes", comment="great"), 'only with a "no"'),
        (body(sender="a", answer=ANSWER, vote="no", comment="x" * 3000), "at most 2048 bytes"),
    ],
)
def test_malformed_or_oversize_votes_are_refused_with_the_reason(raw, reason):
    with pytest.raises(BadVote, match=reason):
        parse_vote(raw)


def test_more_than_five_votes_a_minute_from_one_conversation_are_refused():
    limits = VoteLimits(5)
    assert [limits.allow("a", now=100 + second) for second in range(6)] == [True] * 5 + [False]
    assert limits.allow("b", now=105)  # another conversation is not held up
    assert not limits.allow("a", now=159)
    assert limits.allow("a", now=160.5)  # a minute after the first vote
    assert WebsiteInput.from_credentials({"max_votes_per_minute": 2}).votes.per_minute == 2
    assert WebsiteInput.from_credentials(None).votes.per_minute == 5


def test_a_vote_is_kept_with_the_topic_of_the_stored_answer(store, answered):
    channel = WebsiteInput()
    sender, answer = "visitor-a", answered["visitor-a"]

    assert channel.keep_vote(store, Vote(sender, answer, False, "the price"), 1000.0)

    [row] = stored_votes(store)
    assert (row["sender_id"], row["answer_id"], row["topic"], row["kind"]) == (sender, answer, "ask_benefits", "answer")
    assert (row["helpful"], row["comment"], row["voted_at"]) == (False, "the price", 1000.0)
    assert row["answered_at"] == pytest.approx(time.time(), abs=60)


def test_a_vote_for_an_answer_the_conversation_never_received_is_refused(store, answered):
    channel = WebsiteInput()
    assert not channel.keep_vote(store, Vote("visitor-a", uuid.uuid4().hex, True), 1.0)
    assert not channel.keep_vote(store, Vote("visitor-a", answered["visitor-b"], True), 1.0)  # another's answer
    assert not channel.keep_vote(store, Vote("nobody", answered["visitor-a"], True), 1.0)
    assert stored_votes(store) == []


def test_one_vote_per_answer_changed_by_voting_again(store, answered):
    channel = WebsiteInput()
    vote = Vote("visitor-a", answered["visitor-a"], True)
    channel.keep_vote(store, vote, 1.0)
    channel.keep_vote(store, Vote(vote.sender, vote.answer_id, False), 2.0)
    channel.keep_vote(store, Vote(vote.sender, vote.answer_id, False, "how much it costs"), 3.0)
    assert [(r["helpful"], r["comment"]) for r in stored_votes(store)] == [(False, "how much it costs")]

    channel.keep_vote(store, Vote(vote.sender, vote.answer_id, False), 4.0)  # No again: the comment stays
    assert [(r["helpful"], r["comment"]) for r in stored_votes(store)] == [(False, "how much it costs")]
    channel.keep_vote(store, Vote(vote.sender, vote.answer_id, True), 5.0)  # Yes: the comment no longer applies
    assert [(r["helpful"], r["comment"], r["voted_at"]) for r in stored_votes(store)] == [(True, "", 5.0)]


def test_votes_on_answers_older_than_the_cutoff_are_deleted(store, answered):
    channel = WebsiteInput()
    for sender, answer in answered.items():
        channel.keep_vote(store, Vote(sender, answer, True), time.time())
    with store.engine.begin() as connection:
        connection.execute(FEEDBACK.update().where(FEEDBACK.c.sender_id == "visitor-a").values(answered_at=10.0))

    assert feedback.delete_older_than(store.engine, 100.0) == 1
    assert [row["sender_id"] for row in stored_votes(store)] == ["visitor-b"]


def test_the_sql_store_is_found_behind_rasas_wrapper():
    sql = SQLTrackerStore(dialect="sqlite", db=":memory:")
    assert rasa_compat.sql_store_of(FailSafeTrackerStore(sql)) is sql
    assert rasa_compat.sql_store_of(sql) is sql
    assert rasa_compat.sql_store_of(FailSafeTrackerStore(InMemoryTrackerStore(None))) is None
