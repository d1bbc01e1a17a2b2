"""exobot/console/sessions.py: random tokens stored hashed, a CSRF token per session, expiry after inactivity."""

import sqlalchemy as sa

from exobot.console.database import SESSIONS
from exobot.console.sessions import end_session, end_sessions_of, find_session, start_session, token_hash, tokens_match

IDLE = 30 * 60


def test_a_session_is_found_by_its_cookie_and_only_its_hash_is_stored(database, now):
    token, session = start_session(database, "alice", now)

    found, expired = find_session(database, token, now + 60, IDLE)

    assert found == session and not expired and found.staff == "alice" and len(found.csrf_token) >= 43
    with database.engine.connect() as connection:
        stored = connection.execute(sa.select(SESSIONS.c.token_hash)).scalars().all()
    assert stored == [token_hash(token)] and token not in stored


def test_a_session_expires_after_the_idle_time_and_each_request_keeps_it_alive(database, now):
    token, _ = start_session(database, "alice", now)

    assert find_session(database, token, now + IDLE - 1, IDLE)[0] is not None
    assert find_session(database, token, now + 2 * IDLE - 2, IDLE)[0] is not None  # the last request counts
    assert find_session(database, token, now + 3 * IDLE, IDLE) == (None, True)
    assert find_session(database, token, now + 3 * IDLE, IDLE) == (None, False)  # and it is gone


def test_logging_out_and_a_new_password_end_sessions(database, now):
    first, _ = start_session(database, "alice", now)
    second, _ = start_session(database, "alice", now)
    other, _ = start_session(database, "bob", now)

    end_session(database, first)
    assert find_session(database, first, now, IDLE)[0] is None
    assert find_session(database, second, now, IDLE)[0] is not None

    end_sessions_of(database, "alice")
    assert find_session(database, second, now, IDLE)[0] is None
    assert find_session(database, other, now, IDLE)[0] is not None


def test_unknown_and_empty_tokens_open_nothing(database, now):
    assert find_session(database, "", now, IDLE) == (None, False)
    assert find_session(database, "made-up", now, IDLE) == (None, False)


def test_csrf_tokens_must_match_exactly_and_an_empty_one_never_does():
    assert tokens_match("abc", "abc")
    assert not tokens_match("abc", "abd") and not tokens_match("abc", "") and not tokens_match("", "")
