"""AtomicRedisLockStore (exobot/server/redis_lock_store.py) against a real Redis, two stores as two servers."""

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rasa.utils.endpoints import EndpointConfig

from exobot.server.redis_lock_store import AtomicRedisLockStore
from harness.local_services import Services, free_port, redis

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def redis_config():
    services = Services(postgres_port=0, redis_port=free_port())
    with tempfile.TemporaryDirectory() as folder, redis(services, Path(folder)):
        yield EndpointConfig(
            url="127.0.0.1", port=services.redis_port, password=services.redis_password, db=1, key_prefix="test"
        )


def test_tickets_taken_at_once_by_two_servers_are_all_different_and_all_kept(redis_config):
    servers = [AtomicRedisLockStore(redis_config), AtomicRedisLockStore(redis_config)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        tickets = list(pool.map(lambda n: servers[n % 2].issue_ticket("visitor-1"), range(64)))

    assert sorted(tickets) == list(range(64))
    assert len(servers[0].get_lock("visitor-1").tickets) == 64


def test_finished_tickets_release_the_conversation(redis_config):
    servers = [AtomicRedisLockStore(redis_config), AtomicRedisLockStore(redis_config)]
    first, second = servers[0].issue_ticket("visitor-2"), servers[1].issue_ticket("visitor-2")

    assert servers[1].get_lock("visitor-2").is_locked(second)
    servers[0].cleanup("visitor-2", first)
    assert not servers[1].get_lock("visitor-2").is_locked(second)
    servers[1].cleanup("visitor-2", second)
    assert servers[0].get_lock("visitor-2") is None
