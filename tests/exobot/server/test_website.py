"""The website channel's request checks (exobot/server/website.py)."""

import json

import pytest

from exobot.content import get_content
from exobot.server.website import (
    BadRequest,
    ConversationLengths,
    WebsiteInput,
    bot_says,
    parse_visitor_message,
    plain_unless_intent,
    replies_stored_for,
)


def body(payload) -> bytes:
    return json.dumps(payload).encode("utf-8")


def test_a_visitor_message_gives_its_sender_and_text():
    assert parse_visitor_message(body({"sender": " abc ", "message": "what are exosomes"})) == {
        "sender": "abc",
        "text": "what are exosomes",
    }


def test_control_characters_become_spaces_and_newlines_stay():
    parsed = parse_visitor_message(body({"sender": "abc", "message": "a\x00b\x1bc\nd\te"}))
    assert parsed["text"] == "a b c\nd\te"


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"not json", "JSON"),
        (b"\xff\xfe\x00garbage", "JSON"),
        (b'{"sender": "a", "message": "caf\xe9"}', "JSON"),
        (body(["a", "list"]), "JSON object"),
        (body(None), "JSON object"),
        (body({"message": "hi"}), "'sender'"),
        (body({"sender": "", "message": "hi"}), "'sender'"),
        (body({"sender": 12, "message": "hi"}), "'sender'"),
        (body({"sender": "x" * 129, "message": "hi"}), "'sender'"),
        (body({"sender": "a"}), "'message'"),
        (body({"sender": "a", "message": None}), "'message'"),
        (body({"sender": "a", "message": 42}), "'message'"),
        (body({"sender": "a", "message": ["hi"]}), "'message'"),
        (body({"sender": "a", "message": "hi", "message_id": 7}), "'message_id'"),
        (body({"sender": "a", "message": "hi", "message_id": "a b"}), "'message_id'"),
        (body({"sender": "a", "message": "hi", "message_id": "x" * 65}), "'message_id'"),
    ],
)
def test_requests_that_are_not_a_visitor_message_are_refused_with_the_reason(raw, reason):
    with pytest.raises(BadRequest, match=reason):
        parse_visitor_message(raw)


def test_settings_come_from_credentials_yml():
    channel = WebsiteInput.from_credentials({"max_message_length": 200, "reply_timeout_seconds": 1})
    assert (channel.max_message_length, channel.reply_timeout_seconds) == (200, 1.0)
    assert WebsiteInput.from_credentials(None).max_message_length == 1000


def test_the_unavailable_reply_gives_the_clinic_phone():
    content = get_content()
    [reply] = bot_says("unavailable", "visitor-1")
    assert content.clinic["phone"] in reply["text"] and reply["recipient_id"] == "visitor-1"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("/ask_cost", "/ask_cost"),
        ("/restart", "/restart"),
        ("/nonexistent", "nonexistent"),
        ('/ask_cost{"price": 0}', 'ask_cost{"price": 0}'),
        ("//", ""),
        ("/ /nothing", "nothing"),
        (" /restart ", "/restart"),
        ("what about /ask_cost", "what about /ask_cost"),
    ],
)
def test_only_known_intents_are_taken_as_commands(text, expected):
    assert plain_unless_intent(text, ["ask_cost", "restart"]) == expected


def test_a_conversation_past_the_limit_is_asked_to_start_again_until_it_has_been_idle():
    lengths = ConversationLengths(limit=3, idle_seconds=3600)
    assert [lengths.allow("visitor", now=t) for t in (0, 1, 2, 3, 4)] == [True, True, True, False, False]
    assert lengths.allow("someone else", now=5)
    assert lengths.allow("visitor", now=4 + 3601)  # idle for longer than a session: a fresh start


def test_an_answers_feedback_marker_rides_on_the_message_it_came_with():
    from exobot.server.website import with_markers_joined

    marker = {"feedback": {"id": "a" * 32, "topic": "ask_benefits"}}
    collected = [
        {"recipient_id": "v", "text": "An answer."},
        {"recipient_id": "v", "text": "More?", "buttons": [{"title": "Yes", "payload": "/affirm"}]},
        {"recipient_id": "v", "custom": marker},
        {"recipient_id": "v", "custom": {"other": 1}},  # not a marker: left alone
    ]

    joined = with_markers_joined(collected)

    assert joined == [collected[0], {**collected[1], "custom": marker}, collected[3]]
    assert with_markers_joined([{"recipient_id": "v", "custom": marker}]) == [{"recipient_id": "v", "custom": marker}]


def test_a_message_id_from_the_client_is_kept():
    parsed = parse_visitor_message(body({"sender": "abc", "message": "hi", "message_id": "m-1"}))
    assert parsed == {"sender": "abc", "text": "hi", "message_id": "m-1"}


def test_a_message_sent_again_gets_the_replies_stored_for_it_and_only_those():
    events = [
        {"event": "user", "text": "hi", "message_id": "m-1"},
        {"event": "action", "name": "utter_greet"},
        {"event": "bot", "text": "Hello!", "data": {"buttons": None}},
        {"event": "user", "text": "what are exosomes", "message_id": "m-2"},
        {"event": "bot", "text": "Exosomes are...", "data": {}},
        {"event": "bot", "text": "Tell you more?", "data": {"buttons": [{"title": "Yes", "payload": "/affirm"}]}},
        {"event": "user", "text": "thanks", "message_id": "m-3"},
        {"event": "bot", "text": "You're welcome.", "data": {}},
    ]
    assert replies_stored_for(events, "m-2", "v") == [
        {"recipient_id": "v", "text": "Exosomes are..."},
        {"recipient_id": "v", "text": "Tell you more?", "buttons": [{"title": "Yes", "payload": "/affirm"}]},
    ]
    assert replies_stored_for(events, "m-1", "v") == [{"recipient_id": "v", "text": "Hello!"}]
    assert replies_stored_for(events, "m-9", "v") is None
