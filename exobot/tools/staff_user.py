"""Create a staff account for the console, or give an existing one a new password.

    python -m exobot.tools.staff_user NAME [--endpoints endpoints.yml]      (or: make staff-user NAME=alice)

The password is asked for twice (read from the terminal without showing it, or from standard input when
that is not a terminal, one line each) and stored as an scrypt hash with a salt of its own. There is no
default password. Giving an existing account a new password also unlocks it and ends its sessions.
"""

import argparse
import getpass
import sys
import time
from pathlib import Path

from exobot.paths import ROOT
from exobot.quiet import quiet_dependency_warnings

MESSAGES = {
    "mismatch": "the two passwords differ; nothing was changed, please run the command again",
    "short": "the password is too short: use at least {minimum} characters (a few words make a good one)",
    "long": "the password is too long: use at most {maximum} characters",
}


def read_password(prompt: str) -> str:
    """One password: from the terminal without echo, or the next line of standard input."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    if not line:
        raise EOFError(prompt)
    return line.rstrip("\r\n")


def main() -> int:
    """Ask for the password twice, check it, and save the account."""
    quiet_dependency_warnings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", help="the account's name: letters, digits and . _ @ -")
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints.yml", help="where conversations are kept")
    args = parser.parse_args()

    from exobot.console.accounts import (
        MAX_PASSWORD_LENGTH,
        MIN_PASSWORD_LENGTH,
        password_problem,
        save_account,
        valid_name,
    )
    from exobot.console.database import open_database
    from exobot.console.sessions import end_sessions_of
    from exobot.tools.conversations import NoConversations

    if not valid_name(args.name):
        print(
            f"error: '{args.name}' cannot be an account name: use letters, digits and . _ @ - (up to 80)",
            file=sys.stderr,
        )
        return 2
    try:
        password = read_password(f"Password for {args.name}: ")
        repeated = read_password("The same password again: ")
    except (EOFError, KeyboardInterrupt):
        print("\nerror: no password given; nothing was changed", file=sys.stderr)
        return 1
    problem = password_problem(password, repeated)
    if problem:
        print(
            "error: " + MESSAGES[problem].format(minimum=MIN_PASSWORD_LENGTH, maximum=MAX_PASSWORD_LENGTH),
            file=sys.stderr,
        )
        return 1
    try:
        database = open_database(args.endpoints)
    except NoConversations as reason:
        print(f"error: cannot open the conversation store: {reason}", file=sys.stderr)
        return 1
    if save_account(database, args.name, password, time.time()):
        print(
            f"==> staff account '{args.name}' created: log in to the staff console (make run: http://127.0.0.1:8081/)"
        )
    else:
        end_sessions_of(database, args.name)
        print(f"==> new password saved for '{args.name}'; the account is unlocked and its sessions were ended")
    return 0


if __name__ == "__main__":
    sys.exit(main())
