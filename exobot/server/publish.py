"""One model and one set of answers for every replica, on Kubernetes (docs/kubernetes.md).

    python -m exobot.server.publish serve --state /var/lib/exobot [--port 8090]
        beside the staff console, on the console's volume: fills the volume from the image on first start
        (models/, data/, content/), serves the accepted model to every Rasa replica (Rasa's model server
        protocol: GET with If-None-Match, answered with the model and its ETag, or 304), accepts the
        console's "load this model" (PUT /model: the replicas fetch it within their pull interval), and
        copies every content file the console saves into PostgreSQL (table exobot_content).
    python -m exobot.server.publish follow --to /var/lib/exobot/content
        beside each action server and Rasa server: keeps a folder of the content files equal to the
        database's copy (the servers read it through $EXOBOT_CONTENT_DIR), checking every 2 s.

The database is the content's durable copy: a console volume lost or a replica restarted gets the last
saved answers back from it. Database settings come from DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple

from exobot.content import CONTENT_DIR
from exobot.paths import DATA_DIR, MODELS_DIR

logger = logging.getLogger("exobot.publish")
MODEL_FILE = "exosome-bot.tar.gz"
TABLE = "exobot_content"
CONTENT_PATTERN = "*.yml"


def sha256(path: Path) -> str:
    """The file's SHA-256, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomically(path: Path, body: bytes) -> None:
    """Replace `path` with `body` in one step: a reader sees the old file or the new one, never half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def seed(state: Path) -> Dict[str, Path]:
    """The console's folders on its volume, each filled from the image the first time (never overwritten)."""
    folders = {"models": state / "models", "data": state / "data", "content": state / "content"}
    shipped = {
        "models": (MODELS_DIR, shutil.ignore_patterns("candidate", "history", ".*")),
        "data": (DATA_DIR, None),
        "content": (CONTENT_DIR, shutil.ignore_patterns("*.py", "__pycache__")),
    }
    for name, folder in folders.items():
        if not folder.exists():
            source, ignore = shipped[name]
            staging = state / f".{name}.seeding"
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(source, staging, ignore=ignore)
            staging.rename(folder)
            logger.info("Filled %s from the image", folder)
    (state / "cache").mkdir(exist_ok=True)
    return folders


def connect(environ: Mapping[str, str] = os.environ):
    """A connection to the conversations' PostgreSQL database (the content table lives beside them)."""
    import psycopg2

    return psycopg2.connect(
        host=environ["DB_HOST"],
        port=int(environ.get("DB_PORT") or 5432),
        dbname=environ["DB_NAME"],
        user=environ["DB_USER"],
        password=environ.get("DB_PASSWORD", ""),
        connect_timeout=5,
    )


def ensure_table(connection) -> None:
    with connection, connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (name TEXT PRIMARY KEY, body TEXT NOT NULL, "
            "sha256 TEXT NOT NULL, saved_at DOUBLE PRECISION NOT NULL)"
        )


def stored_content(connection) -> Dict[str, Tuple[str, str, float]]:
    """The database's content files: name -> (body, sha256, saved at)."""
    with connection, connection.cursor() as cursor:
        cursor.execute(f"SELECT name, body, sha256, saved_at FROM {TABLE}")
        return {name: (body, digest, saved_at) for name, body, digest, saved_at in cursor.fetchall()}


def local_content(folder: Path) -> Dict[str, Tuple[str, str, float]]:
    """The folder's content files: name -> (body, sha256, modified at)."""
    found = {}
    for path in sorted(folder.glob(CONTENT_PATTERN)):
        body = path.read_text(encoding="utf-8")
        found[path.name] = (body, hashlib.sha256(body.encode()).hexdigest(), path.stat().st_mtime)
    return found


def publish(connection, folder: Path) -> int:
    """Copy the folder's content files that differ from the database's into it; how many were copied."""
    stored, changed = stored_content(connection), 0
    with connection, connection.cursor() as cursor:
        for name, (body, digest, modified) in local_content(folder).items():
            if stored.get(name, (None, None))[1] != digest:
                cursor.execute(
                    f"INSERT INTO {TABLE} (name, body, sha256, saved_at) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET body = EXCLUDED.body, sha256 = EXCLUDED.sha256, "
                    "saved_at = EXCLUDED.saved_at",
                    (name, body, digest, modified),
                )
                changed += 1
    return changed


def restore(connection, folder: Path, newer_only: bool = True) -> int:
    """Write the database's content files that differ from the folder's into it; how many were written.

    With `newer_only`, a file edited in the folder after the database's copy was saved is kept (the console's
    own volume, where an edit may not have been published yet when the console stopped)."""
    here, written = local_content(folder), 0
    for name, (body, digest, saved_at) in stored_content(connection).items():
        mine = here.get(name)
        if mine is not None and (mine[1] == digest or (newer_only and mine[2] > saved_at)):
            continue
        write_atomically(folder / name, body.encode("utf-8"))
        written += 1
    return written


def signature(folder: Path) -> tuple:
    return tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in sorted(folder.glob("*.yml")))


def api_token() -> str:
    from exobot.api_token import api_token as token

    return token()


class ModelFile:
    """The accepted model file and its SHA-256 (computed again only when the file changes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._known: Tuple[Optional[tuple], str] = (None, "")

    def fingerprint(self) -> str:
        if not self.path.is_file():
            return ""
        status = self.path.stat()
        key = (status.st_mtime_ns, status.st_size, status.st_ino)
        if self._known[0] != key:
            self._known = (key, sha256(self.path))
        return self._known[1]


def model_server(models_dir: Path, token: str):
    """The aiohttp application: GET /models/exosome-bot.tar.gz, PUT /model, GET /health."""
    from aiohttp import web

    model = ModelFile(models_dir / MODEL_FILE)

    def allowed(request: web.Request) -> bool:
        return bool(token) and request.query.get("token") == token

    async def get_model(request: web.Request) -> web.StreamResponse:
        if not allowed(request):
            return web.json_response({"error": "a valid token is needed"}, status=401)
        fingerprint = await asyncio.to_thread(model.fingerprint)
        if not fingerprint:
            return web.json_response({"error": "no model has been accepted yet"}, status=404)
        if request.headers.get("If-None-Match") == fingerprint:
            return web.Response(status=304, headers={"ETag": fingerprint})
        # Sent as plain bytes: a FileResponse would mark a .tar.gz as gzip-encoded, and Rasa's client would
        # unpack it on the way.
        reply = web.StreamResponse(
            headers={"ETag": fingerprint, "filename": MODEL_FILE, "Content-Type": "application/octet-stream"}
        )
        reply.content_length = model.path.stat().st_size
        await reply.prepare(request)
        with model.path.open("rb") as handle:
            while block := await asyncio.to_thread(handle.read, 1 << 20):
                await reply.write(block)
        await reply.write_eof()
        return reply

    async def put_model(request: web.Request) -> web.Response:
        # What the console and `make train` call to load a model into "the bot": here the model file is
        # already the one served, so every replica fetches it at its next pull.
        if not allowed(request):
            return web.json_response({"error": "a valid token is needed"}, status=401)
        logger.info("Model %s published to the Rasa replicas", (await asyncio.to_thread(model.fingerprint))[:12])
        return web.Response(status=204)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"model": await asyncio.to_thread(model.fingerprint)})

    app = web.Application()
    app.router.add_get(f"/models/{MODEL_FILE}", get_model)
    app.router.add_put("/model", put_model)
    app.router.add_get("/health", health)
    return app


def wait_for_database(every: float = 2.0, timeout: float = 300.0):
    """A connection with the content table in place, retrying while PostgreSQL starts."""
    import psycopg2

    deadline = time.monotonic() + timeout
    while True:
        try:
            connection = connect()
            ensure_table(connection)
            return connection
        except psycopg2.Error as error:
            if time.monotonic() > deadline:
                raise
            logger.info("Waiting for PostgreSQL: %s", str(error).strip().splitlines()[0])
            time.sleep(every)


async def publish_forever(folder: Path, every: float) -> None:
    """Publish the content folder at start, then each time a file in it changes."""
    import psycopg2

    connection, last = None, None
    while True:
        try:
            if connection is None or connection.closed:
                connection = await asyncio.to_thread(wait_for_database)
                restored = await asyncio.to_thread(restore, connection, folder)
                if restored:
                    logger.info("Restored %d content file(s) from the database", restored)
            current = signature(folder)
            if current != last:
                changed = await asyncio.to_thread(publish, connection, folder)
                if changed:
                    logger.info("Published %d content file(s) to the database", changed)
                last = current
        except psycopg2.Error as error:
            logger.warning("Publishing the content failed, trying again: %s", str(error).strip().splitlines()[0])
            connection = None
        await asyncio.sleep(every)


def serve(state: Path, host: str, port: int, every: float) -> None:
    from aiohttp import web

    folders = seed(state)

    async def start(app: web.Application) -> None:
        app["publisher"] = asyncio.ensure_future(publish_forever(folders["content"], every))

    async def stop(app: web.Application) -> None:
        app["publisher"].cancel()

    app = model_server(folders["models"], api_token())
    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    logger.info("Serving %s on %s:%d", folders["models"] / MODEL_FILE, host, port)
    web.run_app(app, host=host, port=port, print=None, access_log=None)


def follow(target: Path, every: float) -> None:
    """Keep `target` equal to the database's content, starting from the image's files."""
    import psycopg2

    target.mkdir(parents=True, exist_ok=True)
    for path in CONTENT_DIR.glob(CONTENT_PATTERN):
        if not (target / path.name).exists():
            write_atomically(target / path.name, path.read_bytes())
    connection = None
    while True:
        try:
            if connection is None or connection.closed:
                connection = wait_for_database()
            written = restore(connection, target, newer_only=False)
            if written:
                logger.info("Took %d content file(s) from the database", written)
        except psycopg2.Error as error:
            logger.warning("Reading the content failed, trying again: %s", str(error).strip().splitlines()[0])
            connection = None
        time.sleep(every)


def main(arguments=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serving = commands.add_parser("serve", help="beside the console: model server and content publisher")
    serving.add_argument("--state", type=Path, required=True, help="the console's volume")
    serving.add_argument("--host", default="0.0.0.0")
    serving.add_argument("--port", type=int, default=8090)
    serving.add_argument("--every", type=float, default=1.0, help="seconds between looks at the content folder")
    following = commands.add_parser("follow", help="beside a server: keep a content folder up to date")
    following.add_argument("--to", type=Path, required=True, help="the folder the server reads")
    following.add_argument("--every", type=float, default=2.0, help="seconds between looks at the database")
    args = parser.parse_args(arguments)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s  %(message)s")
    try:
        if args.command == "serve":
            serve(args.state, args.host, args.port, args.every)
        else:
            follow(args.to, args.every)
    except KeyError as missing:
        print(f"error: set {missing} (the database's address and credentials)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
