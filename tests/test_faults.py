"""The action server failing under the running bot (started by scripts/run.sh, as `make run` does)."""

import os
import signal
import subprocess
import time

import pytest
import requests

from exobot.content import get_content
from tests.visitor import Visitor

CONTENT = get_content()
PHONE = CONTENT.clinic["phone"]


def action_server_pid(actions_url: str) -> int:
    """The action server process (the child of its supervisor in scripts/run.sh)."""
    port = actions_url.rsplit(":", 1)[1]
    supervisor = subprocess.run(["pgrep", "-f", f"supervise.sh .* --port {port}$"], capture_output=True, text=True)
    child = subprocess.run(["pgrep", "-P", supervisor.stdout.split()[0]], capture_output=True, text=True)
    return int(child.stdout.split()[0])


def wait_until_healthy(actions_url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{actions_url}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError("the action server did not come back")


def timed_say(visitor: Visitor, message: str):
    started = time.monotonic()
    texts = visitor.texts(message)
    return texts, time.monotonic() - started


@pytest.fixture
def visitor(stack) -> Visitor:
    wait_until_healthy(stack.actions_url)
    visitor = Visitor(stack.rasa_url)
    visitor.say("/session_start")
    assert visitor.texts("what are exosomes")[0] == CONTENT.answers["ask_what_are_exosomes"].text
    return visitor


def test_a_crashed_action_server_gives_the_phone_number_and_is_started_again(stack, visitor):
    crashed = action_server_pid(stack.actions_url)
    os.kill(crashed, signal.SIGKILL)

    texts, seconds = timed_say(visitor, "is it safe")
    assert seconds < 3
    assert len(texts) == 1 and PHONE in texts[0]

    wait_until_healthy(stack.actions_url)
    assert action_server_pid(stack.actions_url) != crashed
    assert visitor.texts("is it safe")[0] == CONTENT.answers["ask_safety_risks"].text


def test_a_new_visitor_gets_the_phone_number_while_the_action_server_is_down(stack):
    wait_until_healthy(stack.actions_url)
    os.kill(action_server_pid(stack.actions_url), signal.SIGKILL)

    texts, seconds = timed_say(Visitor(stack.rasa_url), "/session_start")
    assert seconds < 3
    assert len(texts) == 1 and PHONE in texts[0]
    wait_until_healthy(stack.actions_url)


def test_a_hung_action_server_gives_the_phone_number_within_3_seconds(stack, visitor):
    hung = action_server_pid(stack.actions_url)
    os.kill(hung, signal.SIGSTOP)
    try:
        texts, seconds = timed_say(visitor, "how does it work")
    finally:
        os.kill(hung, signal.SIGCONT)
    assert seconds < 3
    assert len(texts) == 1 and PHONE in texts[0]
    assert visitor.texts("is it safe")[0] == CONTENT.answers["ask_safety_risks"].text
