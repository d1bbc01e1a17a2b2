"""Open the stored conversations: the project's SQL tracker store as configured in an endpoints file."""

from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.utils.endpoints import read_endpoint_config

from exobot.server.tracker_store import BoundedSQLTrackerStore, SQLiteTrackerStore

STORES = {
    "exobot.server.tracker_store.SQLiteTrackerStore": SQLiteTrackerStore,
    "exobot.server.tracker_store.BoundedSQLTrackerStore": BoundedSQLTrackerStore,
    "SQL": SQLTrackerStore,
}


class NoConversations(Exception):
    """The endpoints file names no SQL tracker store, or its database does not exist yet."""


def open_tracker_store(endpoints: Path) -> SQLTrackerStore:
    """The SQL tracker store that `endpoints` configures (SQLite or PostgreSQL)."""
    if not endpoints.is_file():
        raise NoConversations(f"{endpoints}: no such endpoints file")
    config = read_endpoint_config(str(endpoints), "tracker_store")
    store_type = "SQL" if config is not None and str(config.type).upper() == "SQL" else getattr(config, "type", None)
    if store_type not in STORES:
        raise NoConversations(f"{endpoints}: 'tracker_store' must be of type {', '.join(STORES)}")
    settings = dict(config.kwargs)
    if store_type.endswith("SQLiteTrackerStore"):
        settings["dialect"] = "sqlite"
    if settings.get("dialect", "sqlite") == "sqlite" and not Path(settings.get("db", "rasa.db")).is_file():
        raise NoConversations(f"no conversations yet: {settings.get('db', 'rasa.db')} does not exist")
    if store_type.endswith("SQLiteTrackerStore"):
        return SQLiteTrackerStore(**settings)
    return STORES[store_type](host=config.url, **settings)
