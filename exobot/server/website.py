"""The website widget's channel: Rasa's REST channel, guarded against bad input and a failing action server.

It keeps the REST channel's address (POST /webhooks/rest/webhook) and its reply format, and adds:
- a 400 with a clear error for invalid JSON, a missing sender or a message that is not text;
- "/intent" commands only for the domain's intents without entities (what the buttons send);
- a polite "please shorten your question" for messages over `max_message_length`, before the NLU sees them;
- a polite "please start a new conversation" past `max_messages_per_conversation` messages in one
  conversation (counted per server, forgotten after `session_expiration_minutes` of silence): a client
  that keeps one conversation id and keeps sending cannot make every turn slower; nothing stored is lost;
- the clinic's phone number instead of silence or a confused reply when the bot has no reply
  within `reply_timeout_seconds` or the action server is down;
- POST /webhooks/rest/feedback: a visitor's vote on an answer ("Was this helpful?", exobot/server/feedback.py),
  kept only for an answer the conversation received; a clear 400 for a malformed or oversize vote, 404 for an
  answer the conversation never received, 429 past `max_votes_per_minute` votes from one conversation.
- safe retries: a message sent again with the same `message_id` (a client that lost the reply, say to a
  server that was killed) gets the replies stored for it, and is not handled or stored a second time.
Message texts are never written to the log.
"""

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Collection, Dict, List, Optional, Text

import aiohttp
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.utils.endpoints import EndpointConfig
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from exobot import rasa_compat
from exobot.content import get_content
from exobot.server import feedback

logger = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_LENGTH = 1000
DEFAULT_MAX_MESSAGES_PER_CONVERSATION = 300
DEFAULT_SESSION_EXPIRATION_MINUTES = 60
REMEMBERED_CONVERSATIONS = 100_000
DEFAULT_REPLY_TIMEOUT_SECONDS = 2.5
MAX_SENDER_LENGTH = 128
MESSAGE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
LEADING_SLASHES = re.compile(r"^(\s*/)+")
# Control characters other than tab and newline (NUL cannot be stored by PostgreSQL).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadRequest(ValueError):
    """The request cannot be a visitor's message; the text says why."""


def parse_visitor_message(body: bytes) -> Dict[Text, Text]:
    """The sender and text of a webhook request body, or BadRequest."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("the request body must be JSON encoded as UTF-8") from None
    if not isinstance(payload, dict):
        raise BadRequest('the request body must be a JSON object: {"sender": "...", "message": "..."}')
    sender, text = payload.get("sender"), payload.get("message")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
        raise BadRequest(f"'sender' must be a non-empty text of at most {MAX_SENDER_LENGTH} characters")
    if not isinstance(text, str):
        raise BadRequest("'message' must be a text")
    message_id = payload.get("message_id")
    if message_id is not None and (not isinstance(message_id, str) or not MESSAGE_ID.fullmatch(message_id)):
        raise BadRequest("'message_id' must be up to 64 letters, digits and . _ : -")
    parsed = {"sender": sender.strip(), "text": CONTROL_CHARACTERS.sub(" ", text)}
    if message_id:
        parsed["message_id"] = message_id
    return parsed


def replies_stored_for(events: List[Dict[Text, Any]], message_id: Text, sender: Text) -> Optional[List[Dict]]:
    """The bot's replies to the visitor message `message_id`, as the REST channel sends them, if that message is
    in the conversation's events; None if it is not (it was never handled)."""
    replies, found = [], False
    for event in events:
        if event.get("event") == "user":
            if found:
                break
            found = event.get("message_id") == message_id
        elif found and event.get("event") == "bot":
            reply = {"recipient_id": sender}
            if event.get("text"):
                reply["text"] = event["text"]
            data = event.get("data") or {}
            reply.update({key: data[key] for key in ("buttons", "image", "custom", "attachment") if data.get(key)})
            replies.append(reply)
    return replies if found else None


class ConversationLengths:
    """How many messages each conversation has sent to this server since it was last idle for a session's length."""

    def __init__(self, limit: int, idle_seconds: float) -> None:
        self.limit = limit
        self.idle_seconds = idle_seconds
        self._seen: "OrderedDict[Text, List[float]]" = OrderedDict()  # sender: [count, time of the last message]

    def allow(self, sender: Text, now: Optional[float] = None) -> bool:
        """Count this message; False once the conversation is past the limit."""
        now = time.monotonic() if now is None else now
        count, last = self._seen.pop(sender, [0, now])
        count = 0 if now - last > self.idle_seconds else count
        self._seen[sender] = [count + 1, now]
        while len(self._seen) > REMEMBERED_CONVERSATIONS:
            self._seen.popitem(last=False)
        return count + 1 <= self.limit


def plain_unless_intent(text: Text, intents: Collection[Text]) -> Text:
    """Keep "/intent" (what the buttons send) for known intents; any other leading "/" is just text."""
    if text.strip().startswith("/") and text.strip()[1:] in intents:
        return text.strip()
    return LEADING_SLASHES.sub("", text)


def bot_says(template_key: Text, sender: Text) -> List[Dict[Text, Text]]:
    """A reply in the REST channel's format, from a message in messages.yml."""
    content = get_content()
    return [{"recipient_id": sender, "text": content.say(template_key)}]


async def action_server_is_down(action_endpoint: Optional[EndpointConfig]) -> bool:
    """True if the action server does not answer its health check within a second."""
    if action_endpoint is None:
        return False
    health_url = action_endpoint.url.rsplit("/webhook", 1)[0] + "/health"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1)) as session:
            async with session.get(health_url) as reply:
                return reply.status != 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return True


def is_default_fallback(replies: List[Dict[Text, Any]], agent: Agent) -> bool:
    """The only reply is Rasa's default fallback, which is also what a failed session start gives."""
    defaults = {response.get("text") for response in agent.domain.responses.get("utter_default", [])}
    return len(replies) == 1 and replies[0].get("text") in defaults


def with_markers_joined(replies: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """The replies with each answer's feedback marker inside the message it came with.

    Rasa's collecting channel sends a message's `custom` payload as a message of its own after the text; the
    marker belongs to the answer's last message, so the widget (and any other client) gets it there, and the
    number of messages stays what it was.
    """
    joined: List[Dict[Text, Any]] = []
    for reply in replies:
        custom = reply.get("custom")
        if (
            joined
            and set(reply) == {"recipient_id", "custom"}
            and isinstance(custom, dict)
            and "feedback" in custom
            and "custom" not in joined[-1]
        ):
            joined[-1] = {**joined[-1], "custom": custom}
        else:
            joined.append(reply)
    return joined


def log_failure(handling: "asyncio.Future[Any]") -> None:
    """Log why handling a message failed (its type only: the message text stays out of the logs)."""
    if not handling.cancelled() and handling.exception() is not None:
        logger.error("Handling a message failed: %s", type(handling.exception()).__name__)


class WebsiteInput(RestInput):
    """The REST channel for the clinic's website widget, with input checks and a fallback reply."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            max_message_length=int(credentials.get("max_message_length", DEFAULT_MAX_MESSAGE_LENGTH)),
            reply_timeout_seconds=float(credentials.get("reply_timeout_seconds", DEFAULT_REPLY_TIMEOUT_SECONDS)),
            max_messages_per_conversation=int(
                credentials.get("max_messages_per_conversation", DEFAULT_MAX_MESSAGES_PER_CONVERSATION)
            ),
            session_expiration_minutes=float(
                credentials.get("session_expiration_minutes", DEFAULT_SESSION_EXPIRATION_MINUTES)
            ),
            max_votes_per_minute=int(credentials.get("max_votes_per_minute", feedback.DEFAULT_MAX_VOTES_PER_MINUTE)),
        )

    def __init__(
        self,
        max_message_length: int = DEFAULT_MAX_MESSAGE_LENGTH,
        reply_timeout_seconds: float = DEFAULT_REPLY_TIMEOUT_SECONDS,
        max_messages_per_conversation: int = DEFAULT_MAX_MESSAGES_PER_CONVERSATION,
        session_expiration_minutes: float = DEFAULT_SESSION_EXPIRATION_MINUTES,
        max_votes_per_minute: int = feedback.DEFAULT_MAX_VOTES_PER_MINUTE,
    ) -> None:
        self.max_message_length = max_message_length
        self.reply_timeout_seconds = reply_timeout_seconds
        self.lengths = ConversationLengths(max_messages_per_conversation, 60 * session_expiration_minutes)
        self.votes = feedback.VoteLimits(max_votes_per_minute)
        self._tables_made: set = set()  # the databases whose votes' table exists

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("website_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                message = parse_visitor_message(request.body)
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            if len(message["text"]) > self.max_message_length:
                return response.json(bot_says("too_long", message["sender"]))
            if not self.lengths.allow(message["sender"]):
                return response.json(bot_says("too_many_messages", message["sender"]))
            if message.get("message_id"):
                stored = await self.stored_replies(request.app.ctx.agent, message["sender"], message["message_id"])
                if stored is not None:
                    return response.json(stored or bot_says("unavailable", message["sender"]))
            text = plain_unless_intent(message["text"], request.app.ctx.agent.domain.intents)
            replies = await self.reply_to(on_new_message, message["sender"], text, message.get("message_id"))
            if not replies or (
                is_default_fallback(replies, request.app.ctx.agent)
                and await action_server_is_down(request.app.ctx.agent.action_endpoint)
            ):
                return response.json(bot_says("unavailable", message["sender"]))
            return response.json(replies)

        @webhook.route("/feedback", methods=["POST"])
        async def vote(request: Request) -> HTTPResponse:
            try:
                given = feedback.parse_vote(request.body)
            except feedback.BadVote as error:
                return response.json({"error": str(error)}, status=400)
            if not self.votes.allow(given.sender):
                return response.json({"error": "too many votes from this conversation: wait a minute"}, status=429)
            store = rasa_compat.sql_store_of(request.app.ctx.agent.tracker_store)
            if store is None:
                return response.json({"error": "votes are kept only in an SQL conversation store"}, status=503)
            kept = await asyncio.to_thread(self.keep_vote, store, given, time.time())
            if not kept:
                return response.json({"error": "this conversation received no answer with that id"}, status=404)
            return response.json({"vote": "yes" if given.helpful else "no"})

        return webhook

    def keep_vote(self, store: Any, given: "feedback.Vote", now: float) -> bool:
        """Store the vote if the conversation received the answer; False if it did not."""
        if id(store.engine) not in self._tables_made:
            feedback.create_table(store.engine)
            self._tables_made.add(id(store.engine))
        answered = feedback.find_answer(store.engine, store.SQLEvent.__table__, given.sender, given.answer_id)
        if answered is None:
            return False
        feedback.record(store.engine, given, answered, now)
        return True

    @staticmethod
    async def stored_replies(agent: Agent, sender: Text, message_id: Text) -> Optional[List[Dict[Text, Any]]]:
        """The replies already stored for a message sent again (see replies_stored_for), or None."""
        tracker = await agent.tracker_store.retrieve(sender) if agent.tracker_store else None
        if tracker is None:
            return None
        return replies_stored_for([event.as_dict() for event in tracker.events], message_id, sender)

    async def reply_to(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: Text,
        text: Text,
        message_id: Optional[Text] = None,
    ) -> List[Dict[Text, Any]]:
        """The bot's replies, or none if it failed or took longer than the reply timeout."""
        collector = CollectingOutputChannel()
        handling = asyncio.ensure_future(
            on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), message_id=message_id))
        )
        handling.add_done_callback(log_failure)
        try:
            # shield: a slow turn still finishes and is stored; the visitor just gets the fallback reply now.
            await asyncio.wait_for(asyncio.shield(handling), timeout=self.reply_timeout_seconds)
        except asyncio.TimeoutError:
            logger.warning(
                "No reply within %.1f s; the visitor was given the clinic's phone number.", self.reply_timeout_seconds
            )
            return []
        except Exception:  # the visitor gets the fallback reply; log_failure has logged the error
            return []
        return with_markers_joined(collector.messages)
