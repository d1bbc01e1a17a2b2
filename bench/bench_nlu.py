"""Benchmark /model/parse: start a Rasa server with the model, send held-out messages, print latency.

    .venv/bin/python -m bench.bench_nlu [--model models/exosome-bot.tar.gz] [--requests 400]

Prints JSON and a table: p50, p95, p99 and mean in milliseconds, one request at a time.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.bench import percentile
from exobot.paths import ROOT
from exobot.tools.nlu_files import examples_by_intent
from harness.local_services import free_port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "exosome-bot.tar.gz")
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    texts = [t for ts in examples_by_intent([ROOT / "tests" / "nlu" / "test_nlu.yml"]).values() for t in ts]
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "RASA_AUTH_TOKEN": token}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "exobot.server",
            "run",
            "--model",
            str(args.model),
            "--enable-api",
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        start = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "exobot.tools.wait_for", f"http://127.0.0.1:{port}/", "--timeout", "240"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        ready_seconds = time.monotonic() - start
        url = f"http://127.0.0.1:{port}/model/parse?token={token}"
        session = requests.Session()
        for text in texts[:20]:  # warm-up
            session.post(url, json={"text": text}, timeout=30).raise_for_status()
        latencies = []
        for i in range(args.requests):
            sent = time.perf_counter()
            session.post(url, json={"text": texts[(20 + i) % len(texts)]}, timeout=30).raise_for_status()
            latencies.append((time.perf_counter() - sent) * 1000)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "requests": len(latencies),
        "ready_seconds": round(ready_seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "mean_ms": round(statistics.mean(latencies), 1),
    }
    print(json.dumps(result))
    print("| requests | ready (s) | p50 (ms) | p95 (ms) | p99 (ms) | mean (ms) |")
    print("|---|---|---|---|---|---|")
    columns = ("requests", "ready_seconds", "p50_ms", "p95_ms", "p99_ms", "mean_ms")
    print("| " + " | ".join(str(result[column]) for column in columns) + " |")


if __name__ == "__main__":
    main()
