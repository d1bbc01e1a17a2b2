"""Keep dependencies' deprecation warnings away from the person running a command; the project's own still show."""

import os
import warnings
from pathlib import Path
from typing import Any, Optional, TextIO, Type

from exobot.paths import ROOT

OWN_FOLDERS = (ROOT / "exobot", ROOT / "actions")
DEPENDENCY_NOISE = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
# Deprecation notices that Rasa raises as user warnings, whatever the project's files say.
RASA_NOTICES = ("Slot auto-fill has been removed in 3.0",)
_show_warning = warnings.showwarning


def quiet_dependency_warnings() -> None:
    """Hide deprecation warnings raised in other packages' code, and TensorFlow's and SQLAlchemy's start-up notes.

    Filters alone are not enough: Rasa and Sanic put their own filters in front when they start ("show
    every UserWarning once"), and some deprecation warnings are user warnings too (pyparsing's). So the
    function that prints warnings leaves those out as well.
    """
    _filter()
    import sanic.app  # noqa: F401  (importing Sanic puts "show every DeprecationWarning once" in front of our filters)

    _filter()
    warnings.showwarning = show_unless_dependency_deprecation
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def show_unless_dependency_deprecation(
    message: Any,
    category: Type[Warning],
    filename: str,
    lineno: int,
    file: Optional[TextIO] = None,
    line: Optional[str] = None,
) -> None:
    """warnings.showwarning, except for deprecation warnings raised outside the project's own code."""
    if not is_own_code(filename) and (issubclass(category, DEPENDENCY_NOISE) or str(message).startswith(RASA_NOTICES)):
        return
    _show_warning(message, category, filename, lineno, file, line)


def is_own_code(filename: str) -> bool:
    path = Path(filename).resolve()
    return any(path.is_relative_to(folder) for folder in OWN_FOLDERS)


def _filter() -> None:
    for category in DEPENDENCY_NOISE:
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("default", module=r"(exobot|actions)(\.|$)")
