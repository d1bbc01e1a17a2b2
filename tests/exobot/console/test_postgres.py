"""The console's tables in PostgreSQL (endpoints.production.yml), next to Rasa's events table."""

import asyncio
import shutil
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from exobot.console import audit
from exobot.console.accounts import LOCKED, OK, log_in, save_account
from exobot.console.conversations import search, transcript
from exobot.console.database import open_database
from exobot.console.sessions import find_session, start_session
from exobot.console.stats import overview
from exobot.paths import ROOT
from harness.local_services import postgres_and_redis
from tests.exobot.console.conftest import turn

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def services():
    with postgres_and_redis() as running:
        yield running


def test_accounts_sessions_audit_and_conversations_live_in_postgresql(services, tmp_path, monkeypatch):
    for name, value in services.environment("http://127.0.0.1:5055/webhook").items():
        monkeypatch.setenv(name, value)
    endpoints = tmp_path / "endpoints.production.yml"
    shutil.copy(ROOT / "endpoints.production.yml", endpoints)
    now = time.time()

    database = open_database(endpoints)
    assert database.engine.dialect.name == "postgresql"
    save_account(database, "alice", "correct horse battery staple", now)
    token, _ = start_session(database, "alice", now)
    audit.record(database, "alice", "login", "", now)
    store = SQLTrackerStore(
        dialect="postgresql",
        host="127.0.0.1",
        port=services.postgres_port,
        db=services.db_name,
        username=services.db_user,
        password=services.db_password,
    )
    events = turn("Does it HURT?", "ask_procedure_details", "action_answer_faq", now - 60)
    asyncio.run(store.save(DialogueStateTracker.from_events("visitor", events)))

    assert log_in(database, "alice", "correct horse battery staple", now).outcome == OK
    for _ in range(5):
        log_in(database, "alice", "wrong", now)
    assert log_in(database, "alice", "correct horse battery staple", now).outcome == LOCKED
    assert find_session(database, token, now + 1, 1800)[0].staff == "alice"
    assert [entry.action for entry in audit.recent(database)] == ["login"]
    assert [summary.sender for summary in search(database, "does it hurt")] == ["visitor"]
    assert transcript(database, "visitor")[0].intent == "ask_procedure_details"
    assert overview(database, now, {"ask_procedure_details"}).periods[0].outcomes["answered"] == 1
    assert open_database(endpoints).engine.dialect.name == "postgresql"  # opening again finds the tables
