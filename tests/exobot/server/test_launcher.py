"""exobot/server/__main__.py: the API token is given to Rasa inside the process; dependency warnings are quiet."""

import os
import subprocess
import sys
import warnings

from exobot import quiet
from exobot.paths import ROOT
from exobot.quiet import quiet_dependency_warnings
from exobot.server.__main__ import rasa_arguments


def test_the_token_is_added_only_where_the_http_api_is_enabled(monkeypatch):
    monkeypatch.setenv("RASA_AUTH_TOKEN", "s3cret")
    assert rasa_arguments(["run", "--enable-api", "--port", "5005"])[-2:] == ["--auth-token", "s3cret"]
    assert "--auth-token" not in rasa_arguments(["run", "actions", "--port", "5055"])
    assert rasa_arguments(["shell", "--model", "m.tar.gz"]) == ["shell", "--model", "m.tar.gz"]


class LibraryDeprecation(UserWarning, DeprecationWarning):
    """Like pyparsing's PyparsingDeprecationWarning: a user warning and a deprecation warning."""


def test_deprecation_warnings_of_dependencies_are_hidden_and_the_projects_own_are_shown(monkeypatch):
    monkeypatch.setattr(os, "environ", dict(os.environ))  # it sets environment variables for Rasa's start
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    printed = []
    monkeypatch.setattr(quiet, "_show_warning", lambda message, *args: printed.append(str(message)))
    with warnings.catch_warnings():
        quiet_dependency_warnings()
        warnings.filterwarnings("once", category=UserWarning)  # what Rasa adds in front when it starts
        warnings.warn_explicit(
            "old API", DeprecationWarning, "/site-packages/sqlalchemy/orm.py", 1, module="sqlalchemy.orm"
        )
        warnings.warn_explicit(
            "setParseAction", LibraryDeprecation, "/site-packages/matplotlib/font.py", 2, module="matplotlib.font"
        )
        warnings.warn_explicit(
            "old option", FutureWarning, str(ROOT / "exobot" / "tools" / "train.py"), 3, module="exobot.tools.train"
        )
    assert printed == ["old option"]


def test_the_action_server_starts_from_the_sdk_without_loading_rasa():
    started = subprocess.run(
        [sys.executable, "-c", SDK_START, "run", "actions", "--actions", "actions", "--port", "5099"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.split() == ["actions", "5099", "rasa-not-loaded"]


# Replaces the SDK's server start with a print of what it was given and whether Rasa was imported.
SDK_START = """
import sys
import rasa_sdk.__main__ as sdk
from exobot.server.__main__ import main
def report(args):
    print(args.actions, args.port, "rasa-loaded" if "rasa" in sys.modules else "rasa-not-loaded")
sdk.main_from_args = report
main(sys.argv[1:])
"""
