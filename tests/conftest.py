"""Shared fixtures: action-test helpers, and one trained model for the whole test run."""
from pathlib import Path
from typing import Any, Dict, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from scripts import train_if_stale

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def make_tracker(intent: Optional[str], text: str = "a visitor's message", sender: str = "test-visitor") -> Tracker:
    """A tracker whose latest message is `text`, classified as `intent`."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []}
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {},
            "latest_message": latest,
            "events": [{"event": "user", "text": text, "parse_data": latest}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model trained on data/ (trained once per run, or reused if its inputs are unchanged)."""
    return train_if_stale.train(ROOT / "models")
