"""`make staff-user NAME=...` (exobot/tools/staff_user.py): the password asked twice, checked, stored hashed."""

import io
import subprocess
import sys
import time
from types import SimpleNamespace

import sqlalchemy as sa

from exobot.console.accounts import OK, account_names, log_in
from exobot.console.database import STAFF, open_database
from exobot.console.sessions import find_session, start_session
from exobot.paths import ROOT

PASSWORD = "correct horse battery staple"


def staff_user(endpoints, name: str, typed: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "exobot.tools.staff_user", name, "--endpoints", str(endpoints)],
        input=typed,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def staff_user_in_process(monkeypatch, capsys, endpoints, name: str, typed: str) -> SimpleNamespace:
    """The same command, run in this process (quicker): its exit status and what it printed."""
    from exobot.tools import staff_user as tool

    monkeypatch.setattr(sys, "argv", ["staff_user", name, "--endpoints", str(endpoints)])
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    try:
        status = tool.main()
    except SystemExit as stop:
        status = stop.code
    printed = capsys.readouterr()
    return SimpleNamespace(returncode=status, stdout=printed.out, stderr=printed.err)


def endpoints_file(tmp_path):
    """An endpoints file whose SQLite conversation store does not exist yet."""
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: exobot.server.tracker_store.SQLiteTrackerStore\n  db: {tmp_path / 'db' / 'c.db'}\n"
    )
    return endpoints


def test_an_account_is_created_with_the_password_typed_twice(tmp_path):
    endpoints = endpoints_file(tmp_path)

    result = staff_user(endpoints, "alice", f"{PASSWORD}\n{PASSWORD}\n")

    assert result.returncode == 0, result.stderr
    assert "staff account 'alice' created" in result.stdout and PASSWORD not in result.stdout + result.stderr
    database = open_database(endpoints)
    assert log_in(database, "alice", PASSWORD, time.time()).outcome == OK
    with database.engine.connect() as connection:
        stored = connection.execute(sa.select(STAFF.c.password_hash)).scalar()
    assert stored.startswith("scrypt$") and PASSWORD not in stored


def test_mismatched_short_or_missing_passwords_are_refused_with_a_clear_message(tmp_path, monkeypatch, capsys):
    endpoints = endpoints_file(tmp_path)

    def run(name, typed):
        return staff_user_in_process(monkeypatch, capsys, endpoints, name, typed)

    mismatch = run("alice", f"{PASSWORD}\n{PASSWORD}!\n")
    short = run("alice", "secret\nsecret\n")
    missing = run("alice", "")
    bad_name = run("<alice>", f"{PASSWORD}\n{PASSWORD}\n")

    assert mismatch.returncode == 1 and "the two passwords differ" in mismatch.stderr
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    assert missing.returncode == 1 and "no password given" in missing.stderr
    assert bad_name.returncode == 2 and "cannot be an account name" in bad_name.stderr
    assert "Traceback" not in mismatch.stderr + short.stderr + missing.stderr + bad_name.stderr
    assert account_names(open_database(endpoints)) == []


def test_running_it_again_sets_a_new_password_and_ends_the_accounts_sessions(tmp_path, monkeypatch, capsys):
    endpoints = endpoints_file(tmp_path)
    staff_user_in_process(monkeypatch, capsys, endpoints, "alice", f"{PASSWORD}\n{PASSWORD}\n")
    database = open_database(endpoints)
    token, _ = start_session(database, "alice", time.time())

    result = staff_user_in_process(
        monkeypatch, capsys, endpoints, "alice", "a brand new passphrase\na brand new passphrase\n"
    )

    assert result.returncode == 0 and "new password saved for 'alice'" in result.stdout
    assert log_in(database, "alice", "a brand new passphrase", time.time()).outcome == OK
    assert find_session(database, token, time.time(), 1800)[0] is None
