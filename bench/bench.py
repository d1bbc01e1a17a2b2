"""Benchmark the bot beside stock Rasa, in one run: start-up, memory, /model/parse, webhook turns, a long chat.

    .venv/bin/python -m bench.bench [--requests 300] [--levels 1 10 50] [--skip-scale-out]   (or: make bench)

1. The stock baseline: Rasa 3.6's default pipeline and policies (bench/stock_config.yml) trained on the
   project's data and domain (once; cached in .cache/bench/), served by plain `rasa run` with Rasa's REST
   channel and in-memory conversations, with the project's action server.
2. The shipped bot as `make run` starts it (one Rasa server, SQLite).
3. Two shipped Rasa servers sharing PostgreSQL and Redis (endpoints.production.yml; Debian's packages).
The same load for each, one after the other: visitors asking questions one after another (a new
conversation every six), 1, 10 and 50 at once; then one visitor sending 240 messages in one conversation.
Conversation ids are new on every run; everything talks to 127.0.0.1. Prints JSON, a table per setup,
and the headline: the shipped bot against the baseline, with the ratios.
"""

import argparse
import asyncio
import hashlib
import itertools
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import aiohttp

from exobot.content import get_content
from exobot.paths import ROOT
from exobot.quiet import quiet_dependency_warnings
from exobot.tools.nlu_files import examples_by_intent
from harness.bot_stack import RunningBot, running_bot, sqlite_endpoints
from harness.local_services import free_port, postgres_and_redis

MODEL = ROOT / "models" / "exosome-bot.tar.gz"
TURNS_PER_CONVERSATION = 6
STOCK_CONFIG = ROOT / "bench" / "stock_config.yml"
STOCK_CACHE = ROOT / ".cache" / "bench"
LONG_CHAT_TURNS = 240
RUN = secrets.token_hex(4)  # conversation ids are new on every run


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
            sender = f"{RUN}-{run}-{concurrency}-{number}-{asked // TURNS_PER_CONVERSATION}"
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


def cpu_ticks() -> Tuple[int, int]:
    """The whole machine's (busy, total) CPU time so far, in clock ticks, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


async def webhook_load(urls: List[str], texts: List[str], concurrency: int, count: int, run: str) -> Dict[str, float]:
    """Latency and throughput of `count` turns from `concurrency` visitors, and how busy the machine was."""
    busy_before, total_before = cpu_ticks()
    load = await visitors_chat(urls, texts, concurrency, f"bench-{run}", count=count)
    busy_after, total_after = cpu_ticks()
    busy = round(100 * (busy_after - busy_before) / max(1, total_after - total_before))
    return {**summary(load.latencies_ms, load.seconds, load.errors), "machine_cpu_busy_pct": busy}


async def long_chat(url: str, texts: List[str], turns: int, run: str) -> Dict[str, float]:
    """One visitor sending `turns` messages in one conversation: median reply time early and late."""
    latencies = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for turn in range(turns):
            sent = time.perf_counter()
            async with session.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": f"{RUN}-{run}-long", "message": texts[turn % len(texts)]},
            ) as reply:
                await reply.read()
            latencies.append((time.perf_counter() - sent) * 1000)
    early, late = statistics.median(latencies[:40]), statistics.median(latencies[-40:])
    return {
        "turns": turns,
        "median_ms_turns_1_40": round(early, 1),
        f"median_ms_turns_{turns - 39}_{turns}": round(late, 1),
        "late_to_early": round(late / early, 2),
    }


def stock_model() -> Path:
    """The stock baseline trained on today's data and domain (trained once, then reused from .cache/bench/)."""
    digest = hashlib.sha256(STOCK_CONFIG.read_bytes() + (ROOT / "domain.yml").read_bytes())
    for path in sorted((ROOT / "data").rglob("*.yml")):
        digest.update(path.read_bytes())
    name = f"stock-{digest.hexdigest()[:16]}"
    model = STOCK_CACHE / f"{name}.tar.gz"
    if not model.exists():
        print(
            f"==> training the stock baseline once (Rasa's default config, about 10 minutes): {model}", file=sys.stderr
        )
        started = time.monotonic()
        subprocess.run(
            [
                str(Path(sys.executable).parent / "rasa"),
                "train",
                "--config",
                str(STOCK_CONFIG),
                "--domain",
                "domain.yml",
                "--data",
                "data",
                "--out",
                str(STOCK_CACHE),
                "--fixed-model-name",
                name,
            ],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
        stock_timing(model).write_text(json.dumps({"train_seconds": round(time.monotonic() - started)}))
    return model


def stock_timing(model: Path) -> Path:
    """Where the baseline's training time is kept, beside its model."""
    return model.parent / model.name.replace(".tar.gz", ".json")


def stock_endpoints(folder: Path, actions_port: int) -> Path:
    """The baseline's endpoints: the action server only; conversations in memory (Rasa's default)."""
    endpoints = folder / "stock_endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
    return endpoints


def measure(
    bot: RunningBot, texts: List[str], levels: List[int], count: int, run: str, parse: bool, long_turns: int = 0
) -> Dict:
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
    if long_turns:
        result["long_chat"] = asyncio.run(long_chat(bot.rasa_urls[0], texts, long_turns, run))
    return result


def ratio(shipped: float, stock: float) -> str:
    return f"{shipped / stock:.1f}x" if stock else "-"


def print_headline(results: Dict) -> None:
    """The shipped bot against stock Rasa 3.6, measured in this run."""
    stock, ours = results["stock"], results["single"]
    rows = [
        ("/model/parse p50 (ms)", stock["model_parse"]["p50_ms"], ours["model_parse"]["p50_ms"], False),
        ("/model/parse p95 (ms)", stock["model_parse"]["p95_ms"], ours["model_parse"]["p95_ms"], False),
    ]
    for level in stock["webhook"]:
        rows.append(
            (
                f"webhook, {level} at once (msg/s)",
                stock["webhook"][level]["throughput_per_s"],
                ours["webhook"][level]["throughput_per_s"],
                True,
            )
        )
        rows.append(
            (
                f"webhook, {level} at once, p50 (ms)",
                stock["webhook"][level]["p50_ms"],
                ours["webhook"][level]["p50_ms"],
                False,
            )
        )
    rows.append(
        ("Rasa server memory after load (MB)", stock["rss_mb_after"]["rasa1"], ours["rss_mb_after"]["rasa1"], False)
    )
    if "long_chat" in ours:
        late = [key for key in ours["long_chat"] if key.startswith("median_ms_turns_") and "1_40" not in key][0]
        rows.append(
            (
                "long chat: median turns 1-40 (ms)",
                stock["long_chat"]["median_ms_turns_1_40"],
                ours["long_chat"]["median_ms_turns_1_40"],
                False,
            )
        )
        rows.append(
            (
                f"long chat: median {late[len('median_ms_') :]} (ms)",
                stock["long_chat"][late],
                ours["long_chat"][late],
                False,
            )
        )
        rows.append(
            ("long chat: late / early", stock["long_chat"]["late_to_early"], ours["long_chat"]["late_to_early"], False)
        )
    print("\n| | stock Rasa 3.6 default config | shipped bot | shipped vs stock |")
    print("|---|---|---|---|")
    for what, base, shipped, higher_is_better in rows:
        change = ratio(shipped, base) if higher_is_better else ratio(base, shipped) + " less"
        print(f"| {what} | {base} | {shipped} | {change} |")
    if "two_servers" in results:
        two = results["two_servers"]["webhook"]
        for level in two:
            print(
                f"| two servers (PostgreSQL + Redis), {level} at once (msg/s) | | {two[level]['throughput_per_s']} | "
                f"{ratio(two[level]['throughput_per_s'], ours['webhook'][level]['throughput_per_s'])} one server |"
            )


def print_table(results: Dict) -> None:
    print(
        "| setup | ready (s) | RSS after (MB) | what | concurrency | msg/s | p50 ms | p95 ms | p99 ms | errors "
        "| machine CPU busy |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for setup, result in results.items():
        rss = ", ".join(f"{name} {mb:.0f}" for name, mb in result["rss_mb_after"].items())
        rows = [("/model/parse", "1", result["model_parse"])] if "model_parse" in result else []
        rows += [("webhook", level, numbers) for level, numbers in result["webhook"].items()]
        for what, level, n in rows:
            busy = f"{n['machine_cpu_busy_pct']} %" if "machine_cpu_busy_pct" in n else "-"
            print(
                f"| {setup} | {result['ready_seconds']} | {rss} | {what} | {level} | {n['throughput_per_s']} | "
                f"{n['p50_ms']} | {n['p95_ms']} | {n['p99_ms']} | {n['errors']} | {busy} |"
            )


def main() -> None:
    quiet_dependency_warnings()  # the conversation store loads Rasa, whose dependencies warn
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per measurement")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50], help="concurrent visitors")
    parser.add_argument("--skip-scale-out", action="store_true", help="only the single SQLite setup")
    parser.add_argument("--long-chat", type=int, default=LONG_CHAT_TURNS, help="messages in the long conversation")
    args = parser.parse_args()
    texts = [t for ts in examples_by_intent([ROOT / "tests" / "nlu" / "test_nlu.yml"]).values() for t in ts]
    short_texts = [text for text in texts if len(text) < 60]  # "short visitor questions"
    results = {}
    stock = stock_model()
    with tempfile.TemporaryDirectory(prefix="exosome-bench-") as folder:
        folder = Path(folder)
        print("==> benchmarking stock Rasa 3.6 (default config, in-memory conversations)", file=sys.stderr)
        actions_port = free_port()
        with running_bot(
            stock, stock_endpoints(folder, actions_port), {}, folder / "stock", actions_port=actions_port, stock=True
        ) as bot:
            results["stock"] = measure(
                bot, short_texts, args.levels, args.requests, "stock", parse=True, long_turns=args.long_chat
            )
        actions_port = free_port()
        endpoints = sqlite_endpoints(folder, actions_port)
        print("==> benchmarking one Rasa server (SQLite), as make run starts it", file=sys.stderr)
        with running_bot(MODEL, endpoints, {}, folder / "single", actions_port=actions_port) as bot:
            results["single"] = measure(
                bot, short_texts, args.levels, args.requests, "single", parse=True, long_turns=args.long_chat
            )
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
                    results["two_servers"] = measure(bot, short_texts, args.levels, args.requests, "two", parse=False)
    results["stock"]["train_seconds"] = (
        json.loads(stock.with_suffix("").with_suffix(".json").read_text())["train_seconds"]
        if stock.with_suffix("").with_suffix(".json").exists()
        else None
    )
    print(json.dumps(results, indent=1))
    print_table(results)
    print_headline(results)


if __name__ == "__main__":
    main()
