"""Soak test: many visitors chatting for a few minutes; afterwards every message must be in the tracker store.

    .venv/bin/python -m bench.soak [--minutes 5] [--concurrency 50]     (or: make soak)

Starts the bot as `make run` does (SQLite) on free ports, runs the load, then reads the stored
conversations and prints JSON: messages sent, errors, "call us" replies (no answer within the
website channel's reply timeout), throughput, and messages missing from storage.
Exits 1 if there was any error or any message is missing.
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.bench import MODEL, percentile, visitors_chat
from bench.bench import rss_mb as process_rss_mb
from exobot.paths import ROOT
from exobot.tools.conversations import open_tracker_store
from exobot.tools.nlu_files import examples_by_intent
from harness.bot_stack import running_bot, sqlite_endpoints
from harness.local_services import free_port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    texts = [t for ts in examples_by_intent([ROOT / "tests" / "nlu" / "test_nlu.yml"]).values() for t in ts]
    with tempfile.TemporaryDirectory(prefix="exosome-soak-") as folder:
        folder = Path(folder)
        actions_port = free_port()
        endpoints = sqlite_endpoints(folder, actions_port)
        with running_bot(MODEL, endpoints, {}, folder / "logs", actions_port=actions_port) as bot:
            print(f"==> {args.concurrency} visitors for {args.minutes:g} minutes", file=sys.stderr)
            started = time.monotonic()
            load = asyncio.run(
                visitors_chat(bot.rasa_urls, texts, args.concurrency, "soak", deadline=started + args.minutes * 60)
            )
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
    }
    print(json.dumps(result))
    return 0 if load.errors == 0 and missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
