"""Start the action server and one or more Rasa servers, as `make run` does, for tests and benchmarks.

Several Rasa servers share one tracker store and lock store when the endpoints file says so
(endpoints.production.yml: PostgreSQL and Redis); each gets its own port.
"""

import contextlib
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

from exobot.paths import ROOT
from harness.local_services import free_port

# The launcher `make run` uses: Rasa in-process, its API token from $RASA_AUTH_TOKEN.
RASA = [sys.executable, "-m", "exobot.server"]


@dataclass
class RunningBot:
    rasa_urls: List[str]
    actions_url: str
    token: str
    pids: Dict[str, int]
    ready_seconds: float


def sqlite_endpoints(folder: Path, actions_port: int) -> Path:
    """An endpoints file like endpoints.yml: this action server port, and a conversation database in `folder`."""
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        "tracker_store:\n  type: exobot.server.tracker_store.SQLiteTrackerStore\n"
        f"  db: {folder / 'conversations.db'}\n"
    )
    return endpoints


def _wait_until_ready(urls: List[str], timeout: float = 300) -> None:
    subprocess.run(
        [sys.executable, "-m", "exobot.tools.wait_for", *urls, "--timeout", str(timeout)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


STOCK_RASA = [str(Path(sys.executable).parent / "rasa")]
STOCK_CREDENTIALS = ROOT / "bench" / "stock_credentials.yml"


@contextlib.contextmanager
def running_bot(
    model: Path,
    endpoints: Path,
    environment: Dict[str, str],
    logs: Path,
    instances: int = 1,
    actions_port: int = 0,
    stock: bool = False,
) -> Iterator[RunningBot]:
    """The bot on free loopback ports until the block ends; `environment` fills the endpoints file.

    With `stock`, the Rasa servers are plain `rasa run` with Rasa's own REST channel, as a Rasa user
    starts them (the baseline of make bench); the action server is the project's either way.
    """
    logs.mkdir(parents=True, exist_ok=True)
    actions_port = actions_port or free_port()
    rasa_ports = [free_port() for _ in range(instances)]
    token = secrets.token_hex(16)
    env = {
        **os.environ,
        **environment,
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_AUTH_TOKEN": token,
        "SANIC_HOST": "127.0.0.1",
        "SANIC_REQUEST_MAX_SIZE": "65536",
        "SANIC_FALLBACK_ERROR_FORMAT": "json",
        "TF_INTRA_OP_PARALLELISM_THREADS": "1",
        "TF_INTER_OP_PARALLELISM_THREADS": "1",
        # several servers on one machine: one NumPy thread each, or they fight over the cores
        **({"OPENBLAS_NUM_THREADS": "1"} if instances > 1 else {}),
    }
    commands = {"actions": [*RASA, "run", "actions", "--actions", "actions", "--port", str(actions_port)]}
    for number, port in enumerate(rasa_ports, start=1):
        commands[f"rasa{number}"] = [
            *(STOCK_RASA if stock else RASA),
            "run",
            "--model",
            str(model),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(STOCK_CREDENTIALS) if stock else "credentials.yml",
            "--enable-api",
            *(["--auth-token", token] if stock else []),
        ]
    started = time.monotonic()
    processes = {
        name: subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=open(logs / f"{name}.log", "w"), stderr=subprocess.STDOUT
        )
        for name, command in commands.items()
    }
    try:
        rasa_urls = [f"http://127.0.0.1:{port}" for port in rasa_ports]
        actions_url = f"http://127.0.0.1:{actions_port}"
        _wait_until_ready([f"{url}/" for url in rasa_urls] + [f"{actions_url}/health"])
        yield RunningBot(
            rasa_urls, actions_url, token, {name: p.pid for name, p in processes.items()}, time.monotonic() - started
        )
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=60)
