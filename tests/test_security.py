"""The running bot on the public internet: the API locked by a token, bad input answered, no message text in logs."""

import subprocess
import uuid
from pathlib import Path
from typing import List

import pytest
import requests

from exobot.content import get_content
from tests.hostile_inputs import HOSTILE_BODIES, HOSTILE_MESSAGES
from tests.visitor import Visitor

CONTENT = get_content()
MAX_MEMORY_BYTES = 1.5 * 1024**3


def rasa_server_pid(rasa_url: str) -> int:
    port = rasa_url.rsplit(":", 1)[1]
    found = subprocess.run(
        ["pgrep", "-f", f"exobot.server run --model .* --port {port} "], capture_output=True, text=True
    )
    return int(found.stdout.split()[0])


def peak_memory_bytes(pid: int) -> int:
    """The most memory (resident set) the process has used since it started."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc status")


@pytest.mark.parametrize("path", ["/status", "/conversations/someone/tracker", "/model/parse", "/version/../status"])
def test_the_http_api_refuses_calls_without_the_token(stack, path):
    method = requests.post if path == "/model/parse" else requests.get
    anonymous = method(f"{stack.rasa_url}{path}", json={"text": "hi"}, timeout=10)
    wrong = method(f"{stack.rasa_url}{path}", params={"token": "wrong"}, json={"text": "hi"}, timeout=10)
    assert anonymous.status_code in (401, 403, 404)
    assert wrong.status_code in (401, 403, 404)


def test_the_http_api_answers_with_the_token(stack):
    reply = requests.get(f"{stack.rasa_url}/status", params={"token": stack.token}, timeout=10)
    assert reply.status_code == 200
    assert "model_file" in reply.json()


def command_lines() -> List[bytes]:
    """The command line of every process on this machine."""
    found = []
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            found.append(path.read_bytes())
        except OSError:  # the process ended meanwhile
            pass
    return found


def test_the_api_token_is_in_no_process_command_line(stack):
    lines = command_lines()
    assert any(b"exobot.server" in line for line in lines)  # the servers are running
    assert not [line for line in lines if stack.token.encode() in line]


def test_a_message_over_the_limit_is_asked_to_be_shorter_and_never_stored(stack):
    visitor = Visitor(stack.rasa_url)
    replies = visitor.texts("Please tell me about exosomes. " * 40)
    assert replies == [CONTENT.say("too_long")]
    tracker = requests.get(
        f"{stack.rasa_url}/conversations/{visitor.sender}/tracker", params={"token": stack.token}, timeout=10
    ).json()
    assert not [event for event in tracker["events"] if event["event"] == "user"]


@pytest.mark.parametrize("message", HOSTILE_MESSAGES, ids=range(len(HOSTILE_MESSAGES)))
def test_every_hostile_message_gets_a_reply(stack, message):
    replies = Visitor(stack.rasa_url).say(message)
    assert replies and all(reply.get("text") or reply.get("buttons") for reply in replies)


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_every_request_that_is_not_a_message_gets_a_4xx_with_the_reason(stack, body):
    reply = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", data=body, timeout=30, headers={"Content-Type": "application/json"}
    )
    if b'"input_channel"' in body:  # a valid message with extra fields: the extras are ignored
        assert reply.status_code == 200 and reply.json()
        return
    assert 400 <= reply.status_code < 500
    assert reply.headers["Content-Type"].startswith("application/json")


def test_after_the_hostile_inputs_the_bot_still_answers_and_stayed_under_1_5_gb(stack):
    for message in HOSTILE_MESSAGES:
        Visitor(stack.rasa_url).say(message)
    for body in HOSTILE_BODIES:
        requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", data=body, timeout=30)

    visitor = Visitor(stack.rasa_url)
    visitor.say("/session_start")
    assert visitor.texts("what are exosomes")[0] == CONTENT.answers["ask_what_are_exosomes"].text
    assert peak_memory_bytes(rasa_server_pid(stack.rasa_url)) < MAX_MEMORY_BYTES


def test_the_logs_hold_no_message_text(stack):
    marker = f"my private question {uuid.uuid4().hex} about my rosacea"
    visitor = Visitor(stack.rasa_url)
    visitor.say(marker)
    visitor.say("/nonexistent_intent " + marker)
    assert marker not in stack.rasa_log.read_text()
