"""Soak test: many visitors chatting for a few minutes; afterwards every message must be in the tracker store.

    .venv/bin/python -m bench.soak [--minutes 5] [--concurrency 50]     (or: make soak)

Starts the bot as `make run` does (SQLite) on free ports, runs the load, then reads the stored
conversations and prints JSON: messages sent, errors, "call us" replies (no answer within the
website channel's reply timeout), throughput, and messages missing from storage. Meanwhile it samples
each process's memory (RSS) every minute (--sample-seconds) into results/soak/rss.csv and draws
results/soak/rss.png, and prints each process's growth from minute 10 (or the first sample after
warm-up) to the end. Exits 1 if there was any error or any message is missing.
"""

import argparse
import asyncio
import csv
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List

from bench.bench import MODEL, percentile, visitors_chat
from bench.bench import rss_mb as process_rss_mb
from exobot.paths import RESULTS_DIR, ROOT
from exobot.quiet import quiet_dependency_warnings
from exobot.tools.conversations import open_tracker_store
from exobot.tools.nlu_files import examples_by_intent
from harness.bot_stack import running_bot, sqlite_endpoints
from harness.local_services import free_port

WARM_UP_MINUTES = 10


class MemorySampler(threading.Thread):
    """Each process's RSS every `every` seconds, until stopped: rows of (minute, process, MB)."""

    def __init__(self, pids: Dict[str, int], every: float) -> None:
        super().__init__(daemon=True)
        self.pids, self.every, self.rows = pids, every, []
        self.stopped = threading.Event()
        self.started = time.monotonic()

    def run(self) -> None:
        while True:
            minute = (time.monotonic() - self.started) / 60
            self.rows += [(round(minute, 2), name, process_rss_mb(pid)) for name, pid in self.pids.items()]
            if self.stopped.wait(self.every):
                return


def growth_after_warm_up(rows: List[tuple]) -> Dict[str, Dict[str, float]]:
    """Each process's RSS at the first sample from minute 10 (or the middle of the run) and at the end."""
    last_minute = max(minute for minute, _, _ in rows)
    start = WARM_UP_MINUTES if last_minute > WARM_UP_MINUTES else last_minute / 2
    growth = {}
    for name in sorted({name for _, name, _ in rows}):
        samples = [(minute, mb) for minute, process, mb in rows if process == name]
        first = next(mb for minute, mb in samples if minute >= start)
        last = samples[-1][1]
        growth[name] = {
            "from_minute": start,
            "mb_then": first,
            "mb_end": last,
            "growth_percent": round(100 * (last - first) / first, 1) if first else 0.0,
        }
    return growth


def save_memory(rows: List[tuple], folder: Path) -> None:
    """results/soak/rss.csv and rss.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "rss.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["minute", "process", "rss_mb"])
        writer.writerows(rows)
    figure, axes = plt.subplots(figsize=(8, 4.5))
    for name in sorted({name for _, name, _ in rows}):
        samples = [(minute, mb) for minute, process, mb in rows if process == name]
        axes.plot([m for m, _ in samples], [mb for _, mb in samples], marker=".", label=name)
    axes.set_xlabel("minute of the soak")
    axes.set_ylabel("resident memory (MB)")
    axes.set_ylim(bottom=0)
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(folder / "rss.png", dpi=100)


def main() -> int:
    quiet_dependency_warnings()  # the conversation store loads Rasa, whose dependencies warn
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--sample-seconds", type=float, default=60, help="how often memory is sampled")
    args = parser.parse_args()
    texts = [t for ts in examples_by_intent([ROOT / "tests" / "nlu" / "test_nlu.yml"]).values() for t in ts]
    with tempfile.TemporaryDirectory(prefix="exosome-soak-") as folder:
        folder = Path(folder)
        actions_port = free_port()
        endpoints = sqlite_endpoints(folder, actions_port)
        with running_bot(MODEL, endpoints, {}, folder / "logs", actions_port=actions_port) as bot:
            print(f"==> {args.concurrency} visitors for {args.minutes:g} minutes", file=sys.stderr)
            sampler = MemorySampler(bot.pids, args.sample_seconds)
            sampler.start()
            started = time.monotonic()
            load = asyncio.run(
                visitors_chat(bot.rasa_urls, texts, args.concurrency, "soak", deadline=started + args.minutes * 60)
            )
            sampler.stopped.set()
            sampler.join()
            rss_mb = {name: process_rss_mb(pid) for name, pid in bot.pids.items()}
            time.sleep(5)  # turns answered with the "call us" reply may still be finishing
        store = open_tracker_store(endpoints)
        with store.session_scope() as session:
            rows = session.query(store.SQLEvent.sender_id).filter(store.SQLEvent.type_name == "user").all()
        stored = Counter(sender for (sender,) in rows)
    sent = load.sent_by_sender
    missing = sum(max(0, count - stored[sender]) for sender, count in sent.items())
    result = {
        "minutes": args.minutes,
        "concurrency": args.concurrency,
        "messages": sum(sent.values()),
        "conversations": len(sent),
        "errors": load.errors,
        "call_us_replies": load.call_us_replies,
        "missing_from_tracker_store": missing,
        "throughput_per_s": round(sum(sent.values()) / load.seconds, 1),
        "p50_ms": percentile(load.latencies_ms, 0.5),
        "p99_ms": percentile(load.latencies_ms, 0.99),
        "rss_mb_after": rss_mb,
        "rss_growth_after_warm_up": growth_after_warm_up(sampler.rows),
    }
    save_memory(sampler.rows, RESULTS_DIR / "soak")
    print(json.dumps(result))
    return 0 if load.errors == 0 and missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
