"""Two Rasa servers sharing PostgreSQL (conversations) and Redis (locks), as endpoints.production.yml sets up."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import List

import psycopg2
import pytest
import requests

from exobot.content import get_content
from exobot.paths import ROOT
from harness.bot_stack import running_bot
from harness.local_services import free_port, postgres_and_redis

pytestmark = pytest.mark.services

CONTENT = get_content()


@pytest.fixture(scope="module")
def two_instances(trained_model, tmp_path_factory):
    with postgres_and_redis() as services:
        actions_port = free_port()
        environment = services.environment(f"http://127.0.0.1:{actions_port}/webhook")
        with running_bot(
            trained_model,
            ROOT / "endpoints.production.yml",
            environment,
            tmp_path_factory.mktemp("scale_out"),
            instances=2,
            actions_port=actions_port,
        ) as bot:
            yield bot, services


def say(rasa_url: str, sender: str, message: str) -> List[dict]:
    reply = requests.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60)
    assert reply.status_code == 200
    return reply.json()


def stored_events(services, sender: str) -> List[dict]:
    """The conversation's events as PostgreSQL holds them, in the order they were stored."""
    with psycopg2.connect(
        host="127.0.0.1",
        port=services.postgres_port,
        dbname=services.db_name,
        user=services.db_user,
        password=services.db_password,
    ) as connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [json.loads(data) for (data,) in cursor.fetchall()]


def wait_until_stored(services, sender: str, user_turns: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = stored_events(services, sender)
        if sum(e["event"] == "user" for e in events) == user_turns and events[-1].get("name") == "action_listen":
            return
        time.sleep(0.5)
    raise AssertionError(
        f"{sender}: {user_turns} turns were not all stored within {timeout:.0f} s: "
        f"{[e.get('text') for e in events if e['event'] == 'user']} ending {events[-3:]}"
    )


def assert_stored_once_in_order(events: List[dict]) -> None:
    timestamps = [event["timestamp"] for event in events]
    assert timestamps == sorted(timestamps), "events are not stored in the order they happened"
    keys = [json.dumps(event, sort_keys=True) for event in events]
    assert len(keys) == len(set(keys)), "an event is stored twice"


def test_one_conversation_alternating_between_two_instances_is_stored_once_and_in_order(two_instances):
    bot, services = two_instances
    messages = [
        "/session_start",
        "what are exosomes",
        "yes",
        "is it safe",
        "what about for hair?",
        "how much is it",
        "thanks",
        "bye",
    ]
    replies = [say(bot.rasa_urls[turn % 2], "alternating-visitor", message) for turn, message in enumerate(messages)]

    assert replies[1][0]["text"] == CONTENT.answers["ask_what_are_exosomes"].text
    assert replies[2][0]["text"] == CONTENT.answers["ask_what_are_exosomes"].detail
    assert replies[3][0]["text"] == CONTENT.answers["ask_safety_risks"].text
    assert CONTENT.clinic["phone"] in replies[5][0]["text"]
    events = stored_events(services, "alternating-visitor")
    assert [event["text"] for event in events if event["event"] == "user"] == messages
    assert_stored_once_in_order(events)


def test_simultaneous_messages_to_both_instances_are_handled_one_at_a_time(two_instances):
    bot, services = two_instances
    say(bot.rasa_urls[0], "busy-visitor", "/session_start")
    messages = [
        "what are exosomes",
        "is it safe",
        "how does it work",
        "does it help hair",
        "what about scars",
        "is it regulated",
        "how long does it last",
        "what are the benefits",
    ]
    with ThreadPoolExecutor(max_workers=len(messages)) as pool:
        replies = list(
            pool.map(lambda turn: say(bot.rasa_urls[turn % 2], "busy-visitor", messages[turn]), range(len(messages)))
        )

    # A message waiting for the lock longer than the channel's reply timeout gets the "call us" reply;
    # its turn is still handled and stored. The order the turns take is not known, so a short message
    # may be read as a follow-up to the one before it and get that topic's longer answer.
    unavailable = CONTENT.say("unavailable")
    answers = {text for answer in CONTENT.answers.values() for text in (answer.text, answer.detail)} | {unavailable}
    first_texts = [reply[0]["text"] if reply else "(no reply)" for reply in replies]
    assert all(text in answers for text in first_texts), [text for text in first_texts if text not in answers]
    wait_until_stored(services, "busy-visitor", user_turns=len(messages) + 1)
    events = stored_events(services, "busy-visitor")
    user_turns = [event["text"] for event in events if event["event"] == "user"]
    assert sorted(user_turns) == sorted(["/session_start"] + messages)
    assert_stored_once_in_order(events)
    # With the Redis lock, each turn's answer is stored before the next visitor message.
    # (The welcome after /session_start is sent, not stored.)
    turns = [
        (e["event"], e.get("text"))
        for e in events
        if e["event"] in ("user", "bot") and e.get("text") != "/session_start"
    ]
    assert all(turns[i + 1][0] == "bot" for i, (kind, _) in enumerate(turns[:-1]) if kind == "user")


def test_both_instances_see_the_same_conversation(two_instances):
    bot, _ = two_instances
    say(bot.rasa_urls[0], "shared-visitor", "what are exosomes")
    say(bot.rasa_urls[1], "shared-visitor", "is it safe")
    trackers = [
        requests.get(f"{url}/conversations/shared-visitor/tracker", params={"token": bot.token}, timeout=30).json()
        for url in bot.rasa_urls
    ]
    assert trackers[0]["events"] == trackers[1]["events"]
    assert [e["text"] for e in trackers[0]["events"] if e["event"] == "user"] == ["what are exosomes", "is it safe"]
