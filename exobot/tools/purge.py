"""Delete what visitors said, and the bot's replies, once it is older than a number of days.

    python -m exobot.tools.purge --days 30 [--endpoints endpoints.yml]     (or: make purge DAYS=30)

Every stored event older than the cut-off is deleted, so conversations that ended before it go entirely;
visitors' votes on answers older than the cut-off ("Was this helpful?", exobot/server/feedback.py) go with them.
"""

import argparse
import sys
import time
from pathlib import Path

from exobot.quiet import quiet_dependency_warnings
from exobot.server import feedback
from exobot.tools.conversations import NoConversations, open_tracker_store  # noqa: E402

SECONDS_PER_DAY = 24 * 60 * 60


def positive_days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"DAYS must be a whole number of days, not '{value}'") from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"DAYS must be at least 1, not {days}")
    return days


def purge(endpoints: Path, days: int, now: float) -> tuple:
    """Delete events older than `days`; return (events deleted, conversations left with no events)."""
    store = open_tracker_store(endpoints)
    events = store.SQLEvent
    cutoff = now - days * SECONDS_PER_DAY
    with store.session_scope() as session:
        before = {sender for (sender,) in session.query(events.sender_id).distinct()}
        deleted = session.query(events).filter(events.timestamp < cutoff).delete(synchronize_session=False)
        session.commit()
        after = {sender for (sender,) in session.query(events.sender_id).distinct()}
    return deleted, len(before - after)


def purge_votes(endpoints: Path, days: int, now: float) -> int:
    """Delete the votes on answers older than `days`; return how many."""
    return feedback.delete_older_than(open_tracker_store(endpoints).engine, now - days * SECONDS_PER_DAY)


def main() -> int:
    quiet_dependency_warnings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=positive_days, required=True, help="keep this many days of conversations")
    parser.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"))
    args = parser.parse_args()
    try:
        now = time.time()
        deleted, conversations = purge(args.endpoints, args.days, now)
        votes = purge_votes(args.endpoints, args.days, now)
    except NoConversations as reason:
        print(f"Nothing to purge: {reason}")
        return 0
    print(f"Deleted {deleted} events older than {args.days} days; {conversations} conversations removed entirely.")
    print(f"Deleted {votes} votes on answers older than {args.days} days.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
