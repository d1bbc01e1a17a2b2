"""The model server and the content publisher and follower of the Kubernetes deployment (exobot/server/publish.py)."""

import asyncio
import hashlib
import os
import time

import pytest

from exobot.content import CONTENT_DIR, get_content, served_content_dir
from exobot.server import publish


def files(folder) -> dict:
    return {path.name: path.read_text() for path in sorted(folder.glob("*.yml"))}


def test_the_console_volume_is_filled_from_the_image_once(tmp_path):
    folders = publish.seed(tmp_path)
    assert files(folders["content"]) == files(CONTENT_DIR)
    assert (folders["content"] / "source" / "exosomes.txt").exists()
    assert not list(folders["content"].glob("*.py"))
    assert (folders["data"] / "nlu").is_dir()
    (folders["content"] / "answers.yml").write_text("edited")
    publish.seed(tmp_path)
    assert (folders["content"] / "answers.yml").read_text() == "edited"


def test_the_servers_read_the_followed_folder_when_told(tmp_path, monkeypatch):
    for path in CONTENT_DIR.glob("*.yml"):
        (tmp_path / path.name).write_text(path.read_text())
    clinic = tmp_path / "clinic.yml"
    clinic.write_text(clinic.read_text().replace("name:", "name: Followed Clinic #", 1))
    monkeypatch.setenv("EXOBOT_CONTENT_DIR", str(tmp_path))
    assert served_content_dir() == tmp_path
    assert get_content().clinic["name"].startswith("Followed Clinic")
    monkeypatch.delenv("EXOBOT_CONTENT_DIR")
    assert not get_content().clinic["name"].startswith("Followed Clinic")


def test_the_model_server_answers_as_rasa_expects(tmp_path):
    from aiohttp.test_utils import TestClient, TestServer

    model = tmp_path / publish.MODEL_FILE
    model.write_bytes(b"\x1f\x8b" + os.urandom(3_000_000))
    expected = hashlib.sha256(model.read_bytes()).hexdigest()

    async def scenario() -> None:
        async with TestClient(TestServer(publish.model_server(tmp_path, "secret"))) as client:
            assert (await client.get(f"/models/{publish.MODEL_FILE}")).status == 401
            first = await client.get(f"/models/{publish.MODEL_FILE}", params={"token": "secret"})
            assert first.status == 200 and first.headers["ETag"] == expected
            assert "Content-Encoding" not in first.headers  # Rasa must get the .tar.gz as it is
            assert await first.read() == model.read_bytes()
            same = await client.get(
                f"/models/{publish.MODEL_FILE}", params={"token": "secret"}, headers={"If-None-Match": expected}
            )
            assert same.status == 304
            assert (await client.put("/model", params={"token": "secret"}, json={})).status == 204
            model.unlink()
            missing = await client.get(f"/models/{publish.MODEL_FILE}", params={"token": "secret"})
            assert missing.status == 404

    asyncio.run(scenario())


@pytest.mark.services
def test_a_saved_edit_goes_through_postgresql_to_every_follower(tmp_path, monkeypatch):
    from harness.local_services import postgres_and_redis

    console, replica, other = tmp_path / "console", tmp_path / "replica", tmp_path / "other"
    for folder in (console, replica, other):
        folder.mkdir()
    for path in CONTENT_DIR.glob("*.yml"):
        (console / path.name).write_text(path.read_text())
    with postgres_and_redis() as services:
        for name, value in services.environment("http://unused/webhook").items():
            monkeypatch.setenv(name, value)
        connection = publish.wait_for_database(timeout=60)
        assert publish.publish(connection, console) == len(files(console))
        assert publish.publish(connection, console) == 0  # nothing changed, nothing written
        for follower in (replica, other):
            assert publish.restore(connection, follower, newer_only=False) == len(files(console))
            assert files(follower) == files(console)

        (console / "disclaimer.yml").write_text("disclaimer: An edited disclaimer.\n")
        assert publish.publish(connection, console) == 1
        for follower in (replica, other):
            assert publish.restore(connection, follower, newer_only=False) == 1
            assert (follower / "disclaimer.yml").read_text() == "disclaimer: An edited disclaimer.\n"

        # The console's own folder keeps an edit made after the database's copy was saved...
        time.sleep(0.05)
        (console / "messages.yml").write_text((console / "messages.yml").read_text() + "\n# newer\n")
        assert publish.restore(connection, console) == 0
        # ...and a lost console volume gets every saved file back.
        fresh = tmp_path / "fresh"
        fresh.mkdir()
        publish.restore(connection, fresh)
        assert (fresh / "disclaimer.yml").read_text() == "disclaimer: An edited disclaimer.\n"
        connection.close()
