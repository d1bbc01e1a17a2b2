"""Benchmark the running bot: start-up, memory, /model/parse latency, REST webhook latency and throughput.

    .venv/bin/python -m bench.bench [--requests 300] [--levels 1 10 50] [--skip-scale-out]   (or: make bench)

Starts the bot as `make run` does (SQLite), then two Rasa servers sharing PostgreSQL and Redis
(endpoints.production.yml, Debian's packages started on free ports), and prints JSON and a table.
Each concurrent client is a visitor asking six questions one after another, then the next visitor;
the webhook numbers are
for whole turns (NLU, dialogue policies, action server, tracker store), all on 127.0.0.1.
"""

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

from exobot.content import get_content
from exobot.paths import ROOT
from exobot.tools.nlu_files import examples_by_intent
from harness.bot_stack import RunningBot, running_bot, sqlite_endpoints
from harness.local_services import free_port, postgres_and_redis

MODEL = ROOT / "models" / "exosome-bot.tar.gz"
TURNS_PER_CONVERSATION = 6


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))], 1)


def summary(latencies_ms: List[float], seconds: float, errors: int) -> Dict[str, float]:
    return {
        "requests": len(latencies_ms),
        "errors": errors,
        "throughput_per_s": round(len(latencies_ms) / seconds, 1),
        "p50_ms": percentile(latencies_ms, 0.50),
        "p95_ms": percentile(latencies_ms, 0.95),
        "p99_ms": percentile(latencies_ms, 0.99),
        "mean_ms": round(statistics.mean(latencies_ms), 1),
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def parse_latency(bot: RunningBot, texts: List[str], count: int) -> Dict[str, float]:
    url = f"{bot.rasa_urls[0]}/model/parse?token={bot.token}"
    latencies = []
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        for i in range(count):
            sent = time.perf_counter()
            async with session.post(url, json={"text": texts[i % len(texts)]}) as reply:
                reply.raise_for_status()
                await reply.read()
            latencies.append((time.perf_counter() - sent) * 1000)
    return summary(latencies, time.perf_counter() - started, 0)


@dataclass
class Load:
    """What a run of simulated visitors saw."""

    latencies_ms: List[float] = field(default_factory=list)
    errors: int = 0
    call_us_replies: int = 0  # "call us" answers: no reply within the website channel's timeout
    sent_by_sender: Counter = field(default_factory=Counter)
    seconds: float = 0.0


async def visitors_chat(
    urls: List[str],
    texts: List[str],
    concurrency: int,
    run: str,
    count: Optional[int] = None,
    deadline: Optional[float] = None,
) -> Load:
    """`concurrency` visitors asking questions one after another, until `count` turns or the monotonic `deadline`.

    A real visitor asks a handful of questions: each starts a new conversation every TURNS_PER_CONVERSATION.
    Turns go to the `urls` in turn, as a round-robin load balancer would send them.
    """
    load = Load()
    turns = iter(range(count)) if count is not None else itertools.count()
    unavailable = get_content().with_clinic(get_content().messages["unavailable"])

    async def visitor(number: int, session: aiohttp.ClientSession) -> None:
        for asked, turn in enumerate(turns):
            if deadline is not None and time.monotonic() >= deadline:
                return
            sender = f"{run}-{concurrency}-{number}-{asked // TURNS_PER_CONVERSATION}"
            sent = time.perf_counter()
            try:
                async with session.post(
                    f"{urls[turn % len(urls)]}/webhooks/rest/webhook",
                    json={"sender": sender, "message": texts[turn % len(texts)]},
                ) as reply:
                    replies = await reply.json()
                    if reply.status != 200 or not replies:
                        load.errors += 1
                    elif replies[0].get("text") == unavailable:
                        load.call_us_replies += 1
            except (aiohttp.ClientError, asyncio.TimeoutError):
                load.errors += 1
            load.latencies_ms.append((time.perf_counter() - sent) * 1000)
            load.sent_by_sender[sender] += 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(visitor(n, session) for n in range(concurrency)))
        load.seconds = time.perf_counter() - started
    return load


async def webhook_load(urls: List[str], texts: List[str], concurrency: int, count: int, run: str) -> Dict[str, float]:
    """Latency and throughput of `count` turns from `concurrency` visitors."""
    load = await visitors_chat(urls, texts, concurrency, f"bench-{run}", count=count)
    return summary(load.latencies_ms, load.seconds, load.errors)


def measure(bot: RunningBot, texts: List[str], levels: List[int], count: int, run: str, parse: bool) -> Dict:
    result = {
        "ready_seconds": round(bot.ready_seconds, 1),
        "rss_mb": {name: rss_mb(pid) for name, pid in bot.pids.items()},
    }
    asyncio.run(webhook_load(bot.rasa_urls, texts, 4, 40, f"{run}-warmup"))
    if parse:
        result["model_parse"] = asyncio.run(parse_latency(bot, texts, count))
    result["webhook"] = {
        str(level): asyncio.run(webhook_load(bot.rasa_urls, texts, level, count, run)) for level in levels
    }
    result["rss_mb_after"] = {name: rss_mb(pid) for name, pid in bot.pids.items()}
    return result


def print_table(results: Dict) -> None:
    print("| setup | ready (s) | RSS after (MB) | what | concurrency | msg/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for setup, result in results.items():
        rss = ", ".join(f"{name} {mb:.0f}" for name, mb in result["rss_mb_after"].items())
        rows = [("/model/parse", "1", result["model_parse"])] if "model_parse" in result else []
        rows += [("webhook", level, numbers) for level, numbers in result["webhook"].items()]
        for what, level, n in rows:
            print(
                f"| {setup} | {result['ready_seconds']} | {rss} | {what} | {level} | {n['throughput_per_s']} | "
                f"{n['p50_ms']} | {n['p95_ms']} | {n['p99_ms']} | {n['errors']} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per measurement")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50], help="concurrent visitors")
    parser.add_argument("--skip-scale-out", action="store_true", help="only the single SQLite setup")
    args = parser.parse_args()
    texts = [t for ts in examples_by_intent([ROOT / "tests" / "nlu" / "test_nlu.yml"]).values() for t in ts]
    results = {}
    with tempfile.TemporaryDirectory(prefix="exosome-bench-") as folder:
        folder = Path(folder)
        actions_port = free_port()
        endpoints = sqlite_endpoints(folder, actions_port)
        print("==> benchmarking one Rasa server (SQLite), as make run starts it", file=sys.stderr)
        with running_bot(MODEL, endpoints, {}, folder / "single", actions_port=actions_port) as bot:
            results["single"] = measure(bot, texts, args.levels, args.requests, "single", parse=True)
        if not args.skip_scale_out:
            print("==> benchmarking two Rasa servers sharing PostgreSQL and Redis", file=sys.stderr)
            with postgres_and_redis() as services:
                actions_port = free_port()
                environment = services.environment(f"http://127.0.0.1:{actions_port}/webhook")
                with running_bot(
                    MODEL,
                    ROOT / "endpoints.production.yml",
                    environment,
                    folder / "two",
                    instances=2,
                    actions_port=actions_port,
                ) as bot:
                    results["two_servers"] = measure(bot, texts, args.levels, args.requests, "two", parse=False)
    print(json.dumps(results, indent=1))
    print_table(results)


if __name__ == "__main__":
    main()
