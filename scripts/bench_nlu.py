"""Benchmark /model/parse: start a Rasa server with the model, send held-out messages, print latency.

    .venv/bin/python scripts/bench_nlu.py [--model models/exosome-bot.tar.gz] [--requests 400]

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench import percentile  # noqa: E402
from scripts.local_services import free_port  # noqa: E402
from tests.nlu_data import examples_by_intent  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "exosome-bot.tar.gz")
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    texts = [t for ts in examples_by_intent([ROOT / "tests" / "nlu" / "test_nlu.yml"]).values() for t in ts]
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONWARNINGS": "ignore"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "rasa"), "run", "--model", str(args.model), "--enable-api",
         "--auth-token", token, "--interface", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        start = time.monotonic()
        subprocess.run([sys.executable, "scripts/wait_for.py", f"http://127.0.0.1:{port}/", "--timeout", "240"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
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
    print(f"| {result['requests']} | {result['ready_seconds']} | {result['p50_ms']} | {result['p95_ms']} | {result['p99_ms']} | {result['mean_ms']} |")


if __name__ == "__main__":
    main()
