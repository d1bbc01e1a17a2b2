"""Start PostgreSQL and Redis from Debian's packages on this machine, for the scale-out tests and benchmarks.

Each runs in its own temporary folder on a free loopback port and is stopped (and its folder deleted)
when the `with` block ends. Neither touches a system-wide installation or its data.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass(frozen=True)
class Services:
    postgres_port: int
    redis_port: int
    db_name: str = "rasa"
    db_user: str = "rasa"
    db_password: str = "local-test-password"
    redis_password: str = "local-test-password"

    def environment(self, action_server_url: str) -> Dict[str, str]:
        """The variables that endpoints.production.yml reads."""
        return {
            "ACTION_SERVER_URL": action_server_url,
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(self.postgres_port),
            "DB_NAME": self.db_name,
            "DB_USER": self.db_user,
            "DB_PASSWORD": self.db_password,
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(self.redis_port),
            "REDIS_PASSWORD": self.redis_password,
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres_user(command: List[str]) -> List[str]:
    """PostgreSQL refuses to run as root: run it as Debian's postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _wait_for_port(port: int, process: subprocess.Popen, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped while starting (exit status {process.returncode})")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not start within {timeout:.0f} s")


@contextlib.contextmanager
def postgres(services: Services, folder: Path) -> Iterator[None]:
    data = folder / "postgres"
    password_file = folder / "pgpass"
    password_file.write_text(services.db_password + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(password_file, "postgres")
    subprocess.run(
        _as_postgres_user(
            [
                str(POSTGRES_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                services.db_user,
                f"--pwfile={password_file}",
                "--auth=scram-sha-256",
            ]
        ),
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        _as_postgres_user(
            [
                str(POSTGRES_BIN / "postgres"),
                "-D",
                str(data),
                "-p",
                str(services.postgres_port),
                "-h",
                "127.0.0.1",
                "-k",
                str(folder),
                "-c",
                "max_connections=200",
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "postgres.log", "w"),
    )
    try:
        _wait_for_port(services.postgres_port, server, "PostgreSQL")
        subprocess.run(
            [
                str(POSTGRES_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(services.postgres_port),
                "-U",
                services.db_user,
                services.db_name,
            ],
            env={**os.environ, "PGPASSWORD": services.db_password},
            check=True,
            capture_output=True,
        )
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextlib.contextmanager
def redis(services: Services, folder: Path) -> Iterator[None]:
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(services.redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--requirepass",
            services.redis_password,
            "--dir",
            str(folder),
        ],
        stdout=open(folder / "redis.log", "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(services.redis_port, server, "Redis")
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextlib.contextmanager
def postgres_and_redis() -> Iterator[Services]:
    """PostgreSQL and Redis running on free loopback ports until the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="exosome-services-"))
    services = Services(postgres_port=free_port(), redis_port=free_port())
    try:
        with postgres(services, folder), redis(services, folder):
            yield services
    finally:
        shutil.rmtree(folder, ignore_errors=True)
