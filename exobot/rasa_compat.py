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
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from typing import Any, Callable, Dict, List, Text, Tuple

SUPPORTED_RASA = "3.6."


class RasaChanged(SystemExit):
    """The installed Rasa lacks something this project relies on; the text says what and where."""


def _source_of(owner: type, method: Text) -> Text:
    return inspect.getsource(getattr(owner, method))


def _requirements() -> List[Tuple[Text, Callable[[], bool]]]:
    """(what the project relies on, a check that it is still there)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

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

    check()
    RemoteAction._validate_action_result = _validate_action_result


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
