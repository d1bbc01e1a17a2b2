"""Start the staff console: python -m exobot.console [--host 127.0.0.1] [--port 8081] [--endpoints endpoints.yml]."""

import argparse
import os
import sys
from pathlib import Path

from exobot.paths import ROOT
from exobot.quiet import quiet_dependency_warnings


def arguments() -> argparse.Namespace:
    """The command line; defaults for the addresses from CONSOLE_HOST and CONSOLE_PORT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("CONSOLE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CONSOLE_PORT", "8081")))
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints.yml", help="the conversation store")
    parser.add_argument("--rasa-url", help="the running bot, for loading models (default: $RASA_URL)")
    parser.add_argument("--data", type=Path, help="training data folder (default: data/)")
    parser.add_argument("--models", type=Path, help="models folder (default: models/)")
    parser.add_argument("--content", type=Path, help="content folder (default: exobot/content/)")
    return parser.parse_args()


def main() -> int:
    """Open the database and serve the console until stopped."""
    quiet_dependency_warnings()
    args = arguments()
    from aiohttp import web

    from exobot.console.app import create_app
    from exobot.console.database import open_database
    from exobot.console.settings import from_environment
    from exobot.tools.conversations import NoConversations

    settings = from_environment(
        endpoints=args.endpoints,
        rasa_url=args.rasa_url,
        data_dir=args.data,
        models_dir=args.models,
        content_dir=args.content,
    )
    try:
        database = open_database(settings.endpoints)
    except NoConversations as reason:
        print(f"error: the staff console cannot open the conversation store: {reason}", file=sys.stderr)
        return 1
    print(f"==> staff console on http://{args.host}:{args.port}/", flush=True)
    web.run_app(create_app(settings, database), host=args.host, port=args.port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
