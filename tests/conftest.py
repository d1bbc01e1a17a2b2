"""Shared fixtures: action-test helpers, and one trained model for the whole test run."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from exobot.paths import ROOT
from exobot.tools import train
from harness.local_services import free_port

# Tests that use these fixtures carry the marker: `make test-fast` leaves them out.
MARKER_OF_FIXTURE = {"trained_model": "model", "stack": "bot"}


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in MARKER_OF_FIXTURE.items():
            if fixture in item.fixturenames:
                item.add_marker(marker)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def make_tracker(
    intent: Optional[str],
    text: str = "a visitor's message",
    slots: Optional[Dict[str, Any]] = None,
    ranking: Optional[List[Dict[str, Any]]] = None,
    earlier_actions: Sequence[str] = (),
    **parse_data: Any,
) -> Tracker:
    """A tracker whose latest message is `text`, classified as `intent`, after the bot ran `earlier_actions`."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": [],
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.99}],
        **parse_data,  # what the NLU's checks add: "edge", "red_flag"
    }
    earlier = [{"event": "user", "text": "earlier message"}]
    earlier += [{"event": "action", "name": name} for name in earlier_actions] + [
        {"event": "action", "name": "action_listen"}
    ]
    return Tracker.from_dict(
        {
            "sender_id": "test-visitor",
            "slots": slots or {},
            "latest_message": latest,
            "events": earlier + [{"event": "user", "text": text, "parse_data": latest}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model trained on data/ (trained once per run, or reused if its inputs are unchanged)."""
    return train.train(ROOT / "models")


@dataclass(frozen=True)
class Stack:
    rasa_url: str
    actions_url: str
    web_url: str
    console_url: str
    token: str
    state_dir: Path
    rasa_log: Path


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory) -> Iterator[Stack]:
    """The bot started by scripts/run.sh (what `make run` starts) on free ports, with its own state folder."""
    state = tmp_path_factory.mktemp("stack")
    actions_port, rasa_port, web_port, console_port = free_port(), free_port(), free_port(), free_port()
    urls = Stack(
        f"http://127.0.0.1:{rasa_port}",
        f"http://127.0.0.1:{actions_port}",
        f"http://127.0.0.1:{web_port}",
        f"http://127.0.0.1:{console_port}",
        token="test-token-" + os.urandom(8).hex(),
        state_dir=state,
        rasa_log=state / "run.log",
    )
    env = {
        **os.environ,
        "RASA_PORT": str(rasa_port),
        "ACTIONS_PORT": str(actions_port),
        "WEB_PORT": str(web_port),
        "CONSOLE_PORT": str(console_port),
        "STATE_DIR": str(state),
        "MODEL": str(trained_model),
        "RASA_AUTH_TOKEN": urls.token,
    }
    with open(urls.rasa_log, "w") as log:
        server = subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        ready = subprocess.run(
            [
                sys.executable,
                "-m",
                "exobot.tools.wait_for",
                f"{urls.rasa_url}/",
                f"{urls.actions_url}/health",
                f"{urls.web_url}/",
                f"{urls.console_url}/login",
                "--timeout",
                "240",
            ],
            cwd=ROOT,
        )
        assert ready.returncode == 0, urls.rasa_log.read_text()[-3000:]
        yield urls
    finally:
        server.terminate()
        server.wait(timeout=60)
