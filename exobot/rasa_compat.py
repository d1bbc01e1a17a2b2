"""Every private Rasa attribute the project relies on, and every patch it makes, in one checked place.

Rasa 3.6 gives no public hook for these. A Rasa upgrade that renames one of them would otherwise
fail silently (a patch that patches nothing, an override that is never called), so `check()`
verifies the Rasa version and each attribute, and stops with a message naming what changed.

- `RemoteAction._validate_action_result`: replaced by `apply()` (the launcher calls it when the
  server starts) with the same check using a validator built once. Rasa 3.6 validates the JSON
  Schema itself on every action server response: about three quarters of the server's time per
  message on a 2-core machine (py-spy, docs/performance.md).
- `LogisticRegressionClassifier._create_X` and `.clf`: research/logistic_regression.py (an earlier
  classifier, kept to rerun the experiments in docs/nlu.md; the shipped one, exobot/nlu/classifier.py,
  uses no private attribute) overrides the feature matrix and sets the classifier's parameters.
- `SQLTrackerStore.engine` and `.sessionmaker`: exobot/server/tracker_store.py replaces them with a
  pooled SQLite engine in write-ahead-log mode.
- `SQLTrackerStore._event_query`, `.SQLEvent` and `._additional_events`: exobot/server/tracker_store.py
  reads the current session's recent events with the first and falls back on the last.
- `Event.resolve_by_type`: replaced by `apply()` with a lookup table built once (Rasa walks every
  subclass of Event for each stored event it reads: 3 % of a turn), the same answer for every name.
- `EndpointConfig.session`: replaced by `apply()` so that calls to the action server reuse one
  connection pool per event loop (Rasa opens a new connection for every action: 4 % of a turn); idle
  connections are dropped after 2 s, before the action server's own 5 s keep-alive ends them.
- `FailSafeTrackerStore._tracker_store`: exobot/server/website.py keeps visitors' votes on answers in the
  database of the SQL store that Rasa's wrapper holds (`sql_store_of`).
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from typing import Any, Callable, Dict, List, Text, Tuple

SUPPORTED_RASA = "3.6."


class RasaChanged(SystemExit):
    """The installed Rasa lacks something this project relies on; the text says what and where."""


def _source_of(owner: type, method: Text) -> Text:
    """The source of Rasa's own method (behind a patch of ours, which keeps it as `__wrapped__`)."""
    return inspect.getsource(inspect.unwrap(getattr(owner, method)))


def _requirements() -> List[Tuple[Text, Callable[[], bool]]]:
    """(what the project relies on, a check that it is still there)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    return [
        (
            "RemoteAction._validate_action_result (patched by exobot.rasa_compat.apply)",
            lambda: (
                callable(getattr(RemoteAction, "_validate_action_result", None))
                and "self._validate_action_result(" in _source_of(RemoteAction, "run")
            ),
        ),
        (
            "RemoteAction.action_response_format_spec (the schema the patch validates against)",
            lambda: callable(getattr(RemoteAction, "action_response_format_spec", None)),
        ),
        (
            "LogisticRegressionClassifier._create_X (overridden by research/logistic_regression.py)",
            lambda: (
                callable(getattr(LogisticRegressionClassifier, "_create_X", None))
                and "self._create_X(" in _source_of(LogisticRegressionClassifier, "process")
                and "self._create_X(" in _source_of(LogisticRegressionClassifier, "_create_training_matrix")
            ),
        ),
        (
            "LogisticRegressionClassifier.clf (its scikit-learn model, set up by research/logistic_regression.py)",
            lambda: "self.clf = LogisticRegression(" in _source_of(LogisticRegressionClassifier, "__init__"),
        ),
        (
            "SQLTrackerStore.engine and .sessionmaker (replaced by exobot/server/tracker_store.py)",
            lambda: (
                "self.engine = " in _source_of(SQLTrackerStore, "__init__")
                and "self.sessionmaker = " in _source_of(SQLTrackerStore, "__init__")
                and "self.sessionmaker(" in _source_of(SQLTrackerStore, "session_scope")
            ),
        ),
        (
            "SQLTrackerStore._event_query, .SQLEvent and ._additional_events (used by exobot/server/tracker_store.py)",
            lambda: (
                "fetch_events_from_all_sessions" in inspect.signature(SQLTrackerStore._event_query).parameters
                and hasattr(SQLTrackerStore, "SQLEvent")
                and {"sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"}
                <= set(SQLTrackerStore.SQLEvent.__table__.columns.keys())
                and callable(getattr(SQLTrackerStore, "_additional_events", None))
            ),
        ),
        (
            "Event.resolve_by_type (replaced by exobot.rasa_compat.apply)",
            lambda: "all_subclasses(Event)" in _source_of(Event, "resolve_by_type"),
        ),
        (
            "EndpointConfig.session (replaced by exobot.rasa_compat.apply), used by EndpointConfig.request",
            lambda: (
                "async with self.session() as session" in _source_of(EndpointConfig, "request")
                and "aiohttp.ClientSession(" in _source_of(EndpointConfig, "session")
            ),
        ),
        (
            "FailSafeTrackerStore._tracker_store (read by exobot.rasa_compat.sql_store_of)",
            lambda: "self._tracker_store = tracker_store" in _source_of(FailSafeTrackerStore, "__init__"),
        ),
    ]


def problems() -> List[Text]:
    """What is missing from the installed Rasa, in words; empty when everything is in place."""
    import rasa

    if not rasa.__version__.startswith(SUPPORTED_RASA):
        return [f"this project is written for Rasa {SUPPORTED_RASA}x, but Rasa {rasa.__version__} is installed"]
    found = []
    for what, present in _requirements():
        try:
            ok = present()
        except (AttributeError, OSError, TypeError):
            ok = False
        if not ok:
            found.append(f"Rasa {rasa.__version__} no longer has {what}")
    return found


@lru_cache(maxsize=1)
def check() -> None:
    """Stop with a clear message if the installed Rasa lacks anything listed here (checked once per process)."""
    found = problems()
    if found:
        raise RasaChanged(
            "error: the installed Rasa does not match what exobot/rasa_compat.py relies on:\n  - "
            + "\n  - ".join(found)
            + "\nInstall the pinned versions (make install) or update exobot/rasa_compat.py."
        )


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result, with the schema's validator built once."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def apply() -> None:
    """Check the installed Rasa, then install the project's patches (the launcher calls this at start-up)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    check()
    RemoteAction._validate_action_result = _validate_action_result
    if not getattr(Event.resolve_by_type, "exobot_patched", False):
        Event.resolve_by_type = staticmethod(_event_lookup(Event.resolve_by_type))
    if not getattr(EndpointConfig.session, "exobot_patched", False):
        EndpointConfig.session = _pooled_session(EndpointConfig.session)


def _event_lookup(original: Callable) -> Callable:
    """Event.resolve_by_type with a table of the event classes by type name, in Rasa's own order."""
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    table: Dict[Text, Any] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)

    def resolve_by_type(type_name: Text, default: Any = None) -> Any:
        found = table.get(type_name)
        return found if found is not None else original(type_name, default)

    resolve_by_type.exobot_patched = True
    resolve_by_type.__wrapped__ = original
    return resolve_by_type


class _KeptSession:
    """`async with` a shared aiohttp session without closing it at the end."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *error: Any) -> bool:
        return False


def _pooled_session(original: Callable) -> Callable:
    """EndpointConfig.session as Rasa builds it (headers, basic auth, timeout), shared by every call from one
    event loop, so its connections are reused."""
    import asyncio
    import weakref

    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    by_loop: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

    def session(self: Any) -> _KeptSession:
        sessions = by_loop.setdefault(asyncio.get_running_loop(), {})
        key = (self.url, repr(self.headers), repr(self.basic_auth))
        kept = sessions.get(key)
        if kept is None or kept.closed:
            auth = (
                aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
            )
            kept = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=2),
            )
            sessions[key] = kept
        return _KeptSession(kept)

    session.exobot_patched = True
    session.__wrapped__ = original
    return session


def configure_logistic_regression(component: Any, **parameters: Any) -> None:
    """Set parameters of the scikit-learn model inside Rasa's LogisticRegressionClassifier."""
    check()
    component.clf.set_params(**parameters)


def replace_sql_engine(store: Any, engine: Any) -> None:
    """Make a SQLTrackerStore use `engine` (and sessions bound to it) instead of the one it created."""
    import sqlalchemy as sa

    check()
    store.engine.dispose()
    store.engine = engine
    store.sessionmaker = sa.orm.session.sessionmaker(bind=engine)


def session_event_query(store: Any, session: Any, sender_id: Text) -> Any:
    """The query for a conversation's events in its current session, ordered by id (SQLTrackerStore's own)."""
    check()
    return store._event_query(session, sender_id, fetch_events_from_all_sessions=False)


def sql_store_of(store: Any) -> Any:
    """The SQLTrackerStore behind the agent's tracker store (Rasa wraps it in a FailSafeTrackerStore), or None."""
    from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore

    check()
    if isinstance(store, FailSafeTrackerStore):
        store = store._tracker_store
    return store if isinstance(store, SQLTrackerStore) else None
