"""Visitors' votes on the bot's answers ("Was this helpful?"), kept in the conversation store beside the answer.

The FAQ actions end each curated answer with a `custom` payload, `{"feedback": {"id": ..., "topic": ...,
"kind": ...}}`, stored by Rasa in that answer's bot event. The widget sends a vote back with the answer's `id`
(POST /webhooks/rest/feedback, see exobot/server/website.py); a vote is accepted only for an answer the
conversation's stored events hold, and the topic is taken from that stored event, never from the request.

Votes live in a table of their own, `answer_feedback`, in the conversation store's database (SQLite or
PostgreSQL), keyed by the conversation's sender id and the answer's id: one vote per answer, changed by voting
again. They are not Rasa events, so a vote never changes what the bot says next. A row holds nothing the
conversation does not already hold (no address, no browser): the vote, the visitor's optional comment, and
when. `make purge` deletes the votes with the answers they are about (exobot/tools/purge.py).
"""

from __future__ import annotations

import json
import re
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, Deque, Dict, Optional, Text

import sqlalchemy as sa

MAX_COMMENT_LENGTH = 300
MAX_BODY_BYTES = 2048
MAX_SENDER_LENGTH = 128
DEFAULT_MAX_VOTES_PER_MINUTE = 5
REMEMBERED_CONVERSATIONS = 100_000
VOTES = {"yes": True, "no": False}
ANSWER_ID = re.compile(r"[0-9a-f]{32}")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

metadata = sa.MetaData()

FEEDBACK = sa.Table(
    "answer_feedback",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),  # the conversation, as in Rasa's events table
    sa.Column("answer_id", sa.String(32), primary_key=True),  # the id in the answer's bot event
    sa.Column("topic", sa.String(255), nullable=False),  # the answered intent, from the stored bot event
    sa.Column("kind", sa.String(16), nullable=False),  # "answer" (the short one) or "detail" (the longer one)
    sa.Column("answered_at", sa.Float, nullable=False, index=True),  # the bot event's timestamp
    sa.Column("helpful", sa.Boolean, nullable=False),
    sa.Column("comment", sa.Text, nullable=False, default=""),  # after No: "What were you looking for?"
    sa.Column("voted_at", sa.Float, nullable=False, index=True),
)


class BadVote(ValueError):
    """The request is not a vote; the text says why."""


@dataclass(frozen=True)
class Vote:
    """A visitor's vote on one answer: `comment` is None when the request left the comment as it was."""

    sender: Text
    answer_id: Text
    helpful: bool
    comment: Optional[Text] = None


@dataclass(frozen=True)
class Answered:
    """What the stored bot event says about the answer a vote is about."""

    topic: Text
    kind: Text
    at: float


def parse_vote(body: bytes) -> Vote:
    """The vote in a request body, or BadVote saying what is wrong with it."""
    if len(body) > MAX_BODY_BYTES:
        raise BadVote(f"the request body must be at most {MAX_BODY_BYTES} bytes")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadVote("the request body must be JSON encoded as UTF-8") from None
    if not isinstance(payload, dict):
        raise BadVote('the request body must be a JSON object: {"sender": "...", "answer": "...", "vote": "yes"}')
    sender, answer, vote, comment = (payload.get(key) for key in ("sender", "answer", "vote", "comment"))
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
        raise BadVote(f"'sender' must be a non-empty text of at most {MAX_SENDER_LENGTH} characters")
    if not isinstance(answer, str) or not ANSWER_ID.fullmatch(answer):
        raise BadVote("'answer' must be the id of an answer (32 hexadecimal digits)")
    if vote not in VOTES:
        raise BadVote('\'vote\' must be "yes" or "no"')
    if comment is not None:
        if not isinstance(comment, str):
            raise BadVote("'comment' must be a text")
        if len(comment) > MAX_COMMENT_LENGTH:
            raise BadVote(f"'comment' must be at most {MAX_COMMENT_LENGTH} characters")
        if vote == "yes" and comment.strip():
            raise BadVote('a comment goes only with a "no" vote')
        comment = CONTROL_CHARACTERS.sub(" ", comment).strip()
    return Vote(sender.strip(), answer, VOTES[vote], comment)


class VoteLimits:
    """At most `per_minute` votes from one conversation in any 60 seconds (counted per server)."""

    def __init__(self, per_minute: int = DEFAULT_MAX_VOTES_PER_MINUTE) -> None:
        self.per_minute = per_minute
        self._times: "OrderedDict[Text, Deque[float]]" = OrderedDict()

    def allow(self, sender: Text, now: Optional[float] = None) -> bool:
        """Count this vote; False when the conversation already voted `per_minute` times in the last minute."""
        now = time.monotonic() if now is None else now
        times = self._times.pop(sender, deque())
        while times and now - times[0] >= 60:
            times.popleft()
        allowed = len(times) < self.per_minute
        if allowed:
            times.append(now)
        self._times[sender] = times
        while len(self._times) > REMEMBERED_CONVERSATIONS:
            self._times.popitem(last=False)
        return allowed


def create_table(engine: sa.engine.Engine) -> None:
    """The votes' table, if the database does not have it yet."""
    metadata.create_all(engine, checkfirst=True)


def feedback_of(event: Dict[Text, Any]) -> Dict[Text, Any]:
    """The feedback marker of a stored bot event (empty when the event is not a curated answer)."""
    marker = ((event.get("data") or {}).get("custom") or {}).get("feedback")
    return marker if isinstance(marker, dict) else {}


def find_answer(engine: sa.engine.Engine, events: sa.Table, sender: Text, answer_id: Text) -> Optional[Answered]:
    """The answer `answer_id` as the conversation's stored events hold it, or None if it never received it."""
    query = sa.select(events.c.timestamp, events.c.data).where(
        events.c.sender_id == sender,
        events.c.type_name == "bot",
        events.c.data.like(f"%{answer_id}%"),  # an id is hexadecimal: no LIKE wildcard in it
    )
    with engine.connect() as connection:
        for at, data in connection.execute(query):
            marker = feedback_of(json.loads(data))
            if marker.get("id") == answer_id and isinstance(marker.get("topic"), str):
                return Answered(marker["topic"], str(marker.get("kind") or "answer"), float(at))
    return None


def record(engine: sa.engine.Engine, vote: Vote, answered: Answered, now: float) -> None:
    """Keep the vote (replacing an earlier vote on the same answer); a Yes clears an earlier comment."""
    key = sa.and_(FEEDBACK.c.sender_id == vote.sender, FEEDBACK.c.answer_id == vote.answer_id)
    values: Dict[Text, Any] = {"helpful": vote.helpful, "voted_at": now}
    if vote.helpful:
        values["comment"] = ""
    elif vote.comment is not None:
        values["comment"] = vote.comment
    row = {"sender_id": vote.sender, "answer_id": vote.answer_id, "comment": "", **values}
    row.update(topic=answered.topic, kind=answered.kind, answered_at=answered.at)
    for attempt in range(2):
        try:
            with engine.begin() as connection:
                if not connection.execute(FEEDBACK.update().where(key).values(**values)).rowcount:
                    connection.execute(FEEDBACK.insert().values(**row))
            return
        except sa.exc.IntegrityError:  # the same answer's first vote arrived twice at once: update the row made
            if attempt:
                raise


def delete_older_than(engine: sa.engine.Engine, cutoff: float) -> int:
    """Delete the votes on answers given before `cutoff` (the answers `make purge` deletes); how many."""
    create_table(engine)
    with engine.begin() as connection:
        return connection.execute(FEEDBACK.delete().where(FEEDBACK.c.answered_at < cutoff)).rowcount
