"""The console's settings: command-line options, with defaults from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from exobot.content import CONTENT_DIR
from exobot.paths import DATA_DIR, MODELS_DIR, ROOT


@dataclass(frozen=True)
class Settings:
    """Where the console reads and writes, and how it behaves."""

    endpoints: Path = ROOT / "endpoints.yml"
    data_dir: Path = DATA_DIR
    models_dir: Path = MODELS_DIR
    content_dir: Path = CONTENT_DIR
    rasa_url: str = "http://127.0.0.1:5005"
    session_minutes: float = 30.0  # a session ends after this long without a request
    secure_cookies: bool = False  # also implied per request by the proxy's X-Forwarded-Proto: https
    purge_days: int = 30  # what `make purge DAYS=…` keeps; shown on the conversations page
    unanswered_confidence: float = 0.6  # as `make review`: a message under this confidence is unanswered
    similarity: float = 0.65  # cosine similarity of sentence vectors at which questions are grouped

    @property
    def nlu_dir(self) -> Path:
        """The training examples' folder."""
        return self.data_dir / "nlu"


def from_environment(environ: Mapping[str, str] = os.environ, **options: Any) -> Settings:
    """Settings from CONSOLE_* variables and RASA_URL, overridden by the `options` that are not None."""
    values: dict = {
        "rasa_url": environ.get("RASA_URL", Settings.rasa_url),
        "session_minutes": float(environ.get("CONSOLE_SESSION_MINUTES") or Settings.session_minutes),
        "secure_cookies": environ.get("CONSOLE_SECURE_COOKIES", "") == "1",
        "purge_days": int(environ.get("CONSOLE_PURGE_DAYS") or Settings.purge_days),
    }
    values.update({name: value for name, value in options.items() if value is not None})
    if values["session_minutes"] <= 0:
        raise ValueError("CONSOLE_SESSION_MINUTES must be more than 0")
    values["rasa_url"] = str(values["rasa_url"]).rstrip("/")
    return Settings(**values)
