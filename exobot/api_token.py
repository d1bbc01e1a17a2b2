"""Print the token that guards the Rasa server's HTTP API (/status, /model, /conversations).

It is RASA_AUTH_TOKEN when that is set; otherwise it is generated on first use into
.secrets/auth_token (readable by this user only) and read from there afterwards.
"""

import os
import secrets
from pathlib import Path

from exobot.paths import ROOT

TOKEN_FILE = ROOT / ".secrets" / "auth_token"


def api_token(token_file: Path = TOKEN_FILE) -> str:
    from_environment = os.environ.get("RASA_AUTH_TOKEN", "").strip()
    if from_environment:
        return from_environment
    if not token_file.exists():
        token_file.parent.mkdir(mode=0o700, exist_ok=True)
        token_file.touch(mode=0o600)
        token_file.write_text(secrets.token_urlsafe(32) + "\n")
    return token_file.read_text().strip()


if __name__ == "__main__":
    print(api_token())
