"""Keep dependencies' deprecation warnings away from the person running a command; the project's own still show."""

import os
import warnings

OWN_MODULES = r"(exobot|actions)(\.|$)"
DEPENDENCY_NOISE = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


def quiet_dependency_warnings() -> None:
    """Ignore deprecation warnings raised in other packages' code, and TensorFlow's and SQLAlchemy's start-up notes."""
    _filter()
    import sanic.app  # noqa: F401  (importing Sanic puts "show every DeprecationWarning once" in front of our filters)

    _filter()
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def _filter() -> None:
    for category in DEPENDENCY_NOISE:
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("default", module=OWN_MODULES)
