"""The running bot over HTTP: action server and Rasa server started as `make run` starts them."""
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest
import requests

from actions.content import get_content

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONTENT = get_content()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def bot_url(trained_model: Path, tmp_path_factory) -> Iterator[str]:
    """Start both servers on free ports with a throw-away tracker store; yield the Rasa server URL."""
    state = tmp_path_factory.mktemp("bot")
    actions_port, rasa_port = free_port(), free_port()
    endpoints = state / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {state / 'conversations.db'}\n"
    )
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1"}
    commands = [
        [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        [str(BIN / "rasa"), "run", "--model", str(trained_model), "--interface", "127.0.0.1",
         "--port", str(rasa_port), "--endpoints", str(endpoints), "--credentials", "credentials.yml"],
    ]
    logs = [open(state / f"server{i}.log", "w") for i in range(len(commands))]
    servers = [subprocess.Popen(c, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT) for c, log in zip(commands, logs)]
    url = f"http://127.0.0.1:{rasa_port}"
    try:
        ready = subprocess.run(
            [sys.executable, "scripts/wait_for.py", f"{url}/", f"http://127.0.0.1:{actions_port}/health", "--timeout", "240"],
            cwd=ROOT,
        )
        assert ready.returncode == 0, "\n".join((state / f"server{i}.log").read_text()[-2000:] for i in range(2))
        yield url
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        for log in logs:
            log.close()


def say(bot_url: str, message: str) -> List[dict]:
    response = requests.post(
        f"{bot_url}/webhooks/rest/webhook", json={"sender": uuid.uuid4().hex, "message": message}, timeout=30
    )
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    "message, intent",
    [("what are exosomes", "ask_what_are_exosomes"), ("will it help my hair loss", "ask_hair_restoration")],
)
def test_question_gets_the_curated_answer_then_the_disclaimer(bot_url, message, intent):
    replies = say(bot_url, message)

    assert [reply["text"] for reply in replies] == [CONTENT.answers[intent].text, CONTENT.disclaimer]
    assert replies[-1]["buttons"]


def test_price_question_gets_the_clinic_contact_details(bot_url):
    replies = say(bot_url, "how much does it cost")

    assert CONTENT.clinic["phone"] in replies[0]["text"]
    assert CONTENT.disclaimer not in [reply["text"] for reply in replies]


def test_reported_problem_gets_urgent_care_guidance(bot_url):
    replies = say(bot_url, "my face is swollen since the injection yesterday")

    assert replies == [{"recipient_id": replies[0]["recipient_id"], "text": CONTENT.with_clinic(CONTENT.messages["urgent_care"])}]


@pytest.mark.parametrize("message", ["", "   "])
def test_empty_message_gets_a_prompt_not_a_guess(bot_url, message):
    replies = say(bot_url, message)

    assert [reply["text"] for reply in replies] == [CONTENT.messages["empty_message"]]


def test_unrelated_question_gets_an_honest_cannot_answer(bot_url):
    replies = say(bot_url, "what's the weather like in paris tomorrow")

    assert replies[0]["text"] == CONTENT.messages["out_of_scope"]
    assert len(replies[0]["buttons"]) == len(CONTENT.messages["topic_menu"])
