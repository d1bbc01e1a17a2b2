"""`make purge DAYS=N` (exobot/tools/purge.py) on a real SQLite tracker store."""

import asyncio
import subprocess
import sys
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from exobot.paths import ROOT

DAY = 24 * 60 * 60


def conversation(sender: str, days_ago: float) -> DialogueStateTracker:
    at = time.time() - days_ago * DAY
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen", timestamp=at),
            UserUttered("what are exosomes", timestamp=at + 1),
            BotUttered("Exosomes are ...", timestamp=at + 2),
        ],
    )


def purge(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "exobot.tools.purge", *arguments], cwd=ROOT, capture_output=True, text=True
    )


def test_conversations_older_than_the_limit_are_deleted_and_newer_ones_kept(tmp_path):
    database = tmp_path / "conversations.db"
    store = SQLTrackerStore(dialect="sqlite", db=str(database))
    for sender, days_ago in [("old-visitor", 45), ("older-visitor", 400), ("recent-visitor", 2)]:
        asyncio.run(store.save(conversation(sender, days_ago)))
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {database}\n")

    result = purge("--days", "30", "--endpoints", str(endpoints))

    assert result.returncode == 0, result.stderr
    assert "Deleted 6 events" in result.stdout and "2 conversations removed" in result.stdout
    assert set(asyncio.run(store.keys())) == {"recent-visitor"}
    assert len(asyncio.run(store.retrieve("recent-visitor")).events) == 3


def test_bad_days_get_a_clear_message(tmp_path, monkeypatch, capsys):
    from exobot.tools import purge as tool

    for days in ("thirty", "0", "-5"):
        monkeypatch.setattr(sys, "argv", ["purge", "--days", days, "--endpoints", str(tmp_path / "endpoints.yml")])
        with pytest.raises(SystemExit) as stop:
            tool.main()  # in this process: quicker than the command, same argument parsing
        assert stop.value.code == 2
        assert "DAYS must be" in capsys.readouterr().err


def test_no_database_yet_is_not_an_error(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp_path / 'none.db'}\n")
    result = purge("--days", "30", "--endpoints", str(endpoints))
    assert result.returncode == 0 and "no conversations yet" in result.stdout


def test_votes_on_answers_older_than_the_limit_go_with_them(tmp_path):
    import sqlalchemy as sa

    from exobot.server.feedback import FEEDBACK, Answered, Vote, create_table, record

    database = tmp_path / "conversations.db"
    store = SQLTrackerStore(dialect="sqlite", db=str(database))
    create_table(store.engine)
    for sender, days_ago in [("old-visitor", 45), ("recent-visitor", 2)]:
        asyncio.run(store.save(conversation(sender, days_ago)))
        answered = Answered("ask_what_are_exosomes", "answer", time.time() - days_ago * DAY + 2)
        record(store.engine, Vote(sender, sender.replace("-", "") * 2, False, "the price"), answered, time.time())
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {database}\n")

    result = purge("--days", "30", "--endpoints", str(endpoints))

    assert result.returncode == 0, result.stderr
    assert "Deleted 1 votes on answers older than 30 days" in result.stdout
    with store.engine.connect() as connection:
        assert [row.sender_id for row in connection.execute(sa.select(FEEDBACK))] == ["recent-visitor"]
