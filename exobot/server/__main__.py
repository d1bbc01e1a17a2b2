"""Start Rasa inside this Python process: `python -m exobot.server run|shell|train|test|data ...`.

It takes the same arguments as the `rasa` command (make run, make shell and make train use it), and:
- with `run --enable-api`, gives Rasa the API token from $RASA_AUTH_TOKEN or .secrets/auth_token
  inside the process, so the token never appears in the process list;
- applies exobot/rasa_compat.py (checks the installed Rasa, installs the project's patches) first;
- with PRODUCTION=1, refuses to `run` while exobot/content/clinic.yml still has example values;
- keeps dependencies' deprecation warnings away from the person running it; the project's own
  warnings still show;
- with `run actions`, starts the action server with the Rasa SDK alone (what `rasa run actions` does,
  and what the action server's image runs), without loading Rasa and TensorFlow: about 40 MB instead
  of about 540 MB.
"""

import os
import sys
from typing import List, Sequence

from exobot.api_token import api_token
from exobot.quiet import quiet_dependency_warnings


def rasa_arguments(arguments: Sequence[str]) -> List[str]:
    """The arguments for Rasa's command line, with the API token added where the HTTP API is enabled."""
    arguments = list(arguments)
    if arguments[:1] == ["run"] and "--enable-api" in arguments and "--auth-token" not in arguments:
        arguments += ["--auth-token", api_token()]
    return arguments


def run_action_server(arguments: Sequence[str]) -> None:
    """`rasa run actions ARGUMENTS`, through the Rasa SDK's own command line."""
    from rasa_sdk.__main__ import main as action_server_main

    sys.argv = ["rasa_sdk", *arguments]
    action_server_main()


def main(arguments: Sequence[str]) -> None:
    quiet_dependency_warnings()
    if arguments[:1] == ["run"] and os.environ.get("PRODUCTION") == "1":
        from exobot.tools import check_clinic

        sys.argv = ["check_clinic", "--production"]
        if check_clinic.main() != 0:
            sys.exit(1)
    if arguments[:2] == ["run", "actions"]:
        run_action_server(arguments[2:])
        return
    from exobot import rasa_compat

    rasa_compat.apply()
    from rasa.__main__ import main as rasa_main

    # Rasa reads sys.argv; the process list shows the command this process was started with, not this.
    sys.argv = ["rasa", *rasa_arguments(arguments)]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
