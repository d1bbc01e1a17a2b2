"""Rasa's Redis lock store, made safe for several Rasa servers sharing one Redis.

Rasa 3.6's RedisLockStore reads a conversation's ticket list, changes it and writes it back in
separate Redis calls. Two servers taking a ticket for the same conversation at the same moment
can overwrite each other's ticket; both then handle their message at once and one message is
lost from the tracker store (seen with two servers and eight simultaneous messages). Here every
change to the ticket list is made while holding a short Redis mutex for that conversation.
"""

from typing import Text

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.lock import Lock

MUTEX_SECONDS = 10


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket changes cannot interleave between servers."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _mutex(self, conversation_id: Text) -> Lock:
        return self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_SECONDS, blocking_timeout=MUTEX_SECONDS
        )

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
