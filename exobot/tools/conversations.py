"""Open the stored conversations: Rasa's SQL tracker store as configured in an endpoints file."""

from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.utils.endpoints import read_endpoint_config

from exobot.server.sqlite_tracker_store import SQLiteTrackerStore

SQLITE_STORE = "exobot.server.sqlite_tracker_store.SQLiteTrackerStore"


class NoConversations(Exception):
    """The endpoints file names no SQL tracker store, or its database does not exist yet."""


def open_tracker_store(endpoints: Path) -> SQLTrackerStore:
    """The SQL tracker store that `endpoints` configures (SQLite or PostgreSQL)."""
    if not endpoints.is_file():
        raise NoConversations(f"{endpoints}: no such endpoints file")
    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None or (str(config.type).upper() != "SQL" and config.type != SQLITE_STORE):
        raise NoConversations(f"{endpoints}: 'tracker_store' must be of type SQL or {SQLITE_STORE}")
    settings = dict(config.kwargs)
    if config.type == SQLITE_STORE:
        settings["dialect"] = "sqlite"
    if settings.get("dialect", "sqlite") == "sqlite" and not Path(settings.get("db", "rasa.db")).is_file():
        raise NoConversations(f"no conversations yet: {settings.get('db', 'rasa.db')} does not exist")
    if config.type == SQLITE_STORE:
        return SQLiteTrackerStore(**settings)
    return SQLTrackerStore(host=config.url, **settings)
