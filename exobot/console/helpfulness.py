"""How visitors rated the bot's answers ("Was this helpful?"): each answer's helpful share, and every No.

The votes are those the website channel keeps in the conversation store (exobot/server/feedback.py), one per
answer given; a period counts the votes cast in its last `days` days. A No's comment ("What were you looking
for?") can be labelled with a topic and taught like an unanswered question (exobot/console/unanswered.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import sqlalchemy as sa

from exobot.console.database import REVIEWED, Database
from exobot.console.stats import DAY, PERIODS
from exobot.server.feedback import FEEDBACK

NOT_HELPFUL_LISTED = 500


@dataclass(frozen=True)
class Rating:
    """The votes on one answer (topic) in a period."""

    topic: str
    votes: int
    helpful: int

    @property
    def share(self) -> float:
        """The share of votes that said the answer helped."""
        return self.helpful / self.votes if self.votes else 0.0


@dataclass(frozen=True)
class Period:
    """The votes of the last `days` days: in all, and per answer with the lowest helpful share first."""

    days: int
    votes: int
    helpful: int
    ratings: List[Rating] = field(default_factory=list)

    @property
    def share(self) -> Optional[float]:
        """The share of all votes that said the answer helped; None when there was no vote."""
        return self.helpful / self.votes if self.votes else None


@dataclass(frozen=True)
class NotHelpful:
    """A No vote, with the visitor's comment and what staff decided about it (an intent, "skip", or "")."""

    sender: str
    answer_id: str
    topic: str
    kind: str
    answered_at: float
    voted_at: float
    comment: str
    decision: str = ""


@dataclass(frozen=True)
class Vote:
    """A visitor's vote on one answer, as the transcript shows it."""

    helpful: bool
    comment: str
    voted_at: float


def read_votes(db: Database, since: float) -> List[sa.engine.Row]:
    """The votes cast since `since`."""
    query = sa.select(FEEDBACK).where(FEEDBACK.c.voted_at >= since)
    with db.engine.connect() as connection:
        return list(connection.execute(query))


def period(rows: Sequence[sa.engine.Row], since: float, days: int) -> Period:
    """The votes cast since `since`, in all and per answer (lowest share first, then the most votes)."""
    votes: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        if row.voted_at >= since:
            votes[row.topic][0] += 1
            votes[row.topic][1] += int(bool(row.helpful))
    ratings = [Rating(topic, count, helpful) for topic, (count, helpful) in votes.items()]
    ratings.sort(key=lambda rating: (rating.share, -rating.votes, rating.topic))
    return Period(days, sum(r.votes for r in ratings), sum(r.helpful for r in ratings), ratings)


def periods(db: Database, now: float, days: Sequence[int] = PERIODS) -> List[Period]:
    """The votes of each period."""
    rows = read_votes(db, now - max(days) * DAY)
    return [period(rows, now - length * DAY, length) for length in days]


def not_helpful(db: Database, since: float, limit: int = NOT_HELPFUL_LISTED) -> List[NotHelpful]:
    """The No votes cast since `since`, newest first, each with what staff decided about its comment."""
    query = (
        sa.select(FEEDBACK)
        .where(FEEDBACK.c.voted_at >= since, FEEDBACK.c.helpful.is_(False))
        .order_by(FEEDBACK.c.voted_at.desc())
        .limit(limit)
    )
    with db.engine.connect() as connection:
        rows = list(connection.execute(query))
        keys = sorted({row.comment.strip().casefold() for row in rows if row.comment.strip()})
        reviewed = sa.select(REVIEWED.c.text_key, REVIEWED.c.decision).where(REVIEWED.c.text_key.in_(keys))
        decisions = {key: decision for key, decision in connection.execute(reviewed)}
    return [
        NotHelpful(
            row.sender_id,
            row.answer_id,
            row.topic,
            row.kind,
            row.answered_at,
            row.voted_at,
            row.comment,
            decisions.get(row.comment.strip().casefold(), ""),
        )
        for row in rows
    ]


def votes_of(db: Database, sender: str) -> Dict[str, Vote]:
    """The votes in one conversation, by answer id."""
    query = sa.select(FEEDBACK).where(FEEDBACK.c.sender_id == sender)
    with db.engine.connect() as connection:
        return {row.answer_id: Vote(bool(row.helpful), row.comment, row.voted_at) for row in connection.execute(query)}
