"""List what visitors asked that the bot could not answer, for staff to label and import.

    python -m exobot.tools.review [--endpoints endpoints.yml] [--threshold 0.6] [--all]   (or: make review)

Reads the conversations (the SQLite default, or PostgreSQL with endpoints.production.yml) and writes
review/unanswered.csv: every visitor message since the last review that the bot did not understand
(fallback, clarification), judged out of scope, or understood with confidence under the threshold.
Same texts are counted together, most frequent first. Fill in the `intent` column of the rows the
bot should have answered and run `make import FILE=review/unanswered.csv`.
"""

import argparse
import csv
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterable, List

from exobot.paths import ROOT
from exobot.quiet import quiet_dependency_warnings
from exobot.tools.conversations import NoConversations, open_tracker_store  # noqa: E402

REVIEW_DIR = ROOT / "review"
NOT_ANSWERED = {"nlu_fallback", "out_of_scope"}
COLUMNS = ["text", "intent", "best_guess", "confidence", "times_asked", "last_asked"]


@dataclass
class Unanswered:
    text: str
    best_guess: str
    confidence: float
    last_asked: float
    times_asked: int = field(default=1)


def best_guess(parse_data: Dict) -> tuple:
    """The most likely intent other than the fallback, with its confidence."""
    for ranked in parse_data.get("intent_ranking") or [parse_data.get("intent") or {}]:
        if ranked.get("name") and ranked["name"] != "nlu_fallback":
            return ranked["name"], float(ranked.get("confidence") or 0)
    return "", 0.0


def unanswered_messages(events: Iterable[Dict], threshold: float) -> List[Unanswered]:
    """Visitor messages the bot did not answer with confidence, grouped by text, most frequent first."""
    grouped: Dict[str, Unanswered] = {}
    for event in events:
        text = (event.get("text") or "").strip()
        parse_data = event.get("parse_data") or {}
        intent = (parse_data.get("intent") or {}).get("name")
        confidence = float((parse_data.get("intent") or {}).get("confidence") or 0)
        if not text or text.startswith("/") or (intent not in NOT_ANSWERED and confidence >= threshold):
            continue
        guess, guess_confidence = best_guess(parse_data)
        key = text.casefold()
        if key in grouped:
            grouped[key].times_asked += 1
            grouped[key].last_asked = max(grouped[key].last_asked, event["timestamp"])
        else:
            grouped[key] = Unanswered(text, guess, guess_confidence, event["timestamp"])
    return sorted(grouped.values(), key=lambda item: (-item.times_asked, -item.last_asked))


def read_user_events(endpoints: Path, since: float) -> List[Dict]:
    store = open_tracker_store(endpoints)
    events = store.SQLEvent
    with store.session_scope() as session:
        rows = (
            session.query(events.data)
            .filter(events.type_name == "user", events.timestamp > since)
            .order_by(events.timestamp)
            .all()
        )
    return [json.loads(data) for (data,) in rows]


def keep_labelled_file(out: Path) -> None:
    """A previous export with labels staff typed is moved aside, never overwritten."""
    if not out.exists():
        return
    with out.open(encoding="utf-8-sig", newline="") as handle:
        labelled = any((row.get("intent") or "").strip() for row in csv.DictReader(handle))
    if labelled:
        kept = out.with_name(f"{out.stem}-{datetime.now():%Y%m%d-%H%M%S}.csv")
        out.rename(kept)
        print(f"==> the previous {out.name} had labels: kept as {kept} (import it with make import FILE={kept})")


def write_csv(out: Path, items: List[Unanswered]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for item in items:
            asked = datetime.fromtimestamp(item.last_asked, timezone.utc).strftime("%Y-%m-%d %H:%M")
            writer.writerow([item.text, "", item.best_guess, f"{item.confidence:.2f}", item.times_asked, asked])


def main() -> int:
    quiet_dependency_warnings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints.yml")
    parser.add_argument("--threshold", type=float, default=0.6, help="confidence under which a message is listed")
    parser.add_argument("--all", action="store_true", help="every stored message, not only since the last review")
    parser.add_argument("--out", type=Path, default=REVIEW_DIR / "unanswered.csv")
    args = parser.parse_args()
    stamp = args.out.parent / ".last_review"
    since = 0.0 if args.all or not stamp.exists() else float(stamp.read_text())
    started = time.time()
    try:
        events = read_user_events(args.endpoints, since)
    except NoConversations as reason:
        print(f"Nothing to review: {reason}")
        return 0
    items = unanswered_messages(events, args.threshold)
    keep_labelled_file(args.out)
    write_csv(args.out, items)
    stamp.write_text(f"{max([e['timestamp'] for e in events], default=since or started)}\n")
    print(
        f"==> {len(events)} visitor messages read, {sum(i.times_asked for i in items)} not answered "
        f"({len(items)} different texts): {args.out}"
    )
    if items:
        print(
            "    Fill in the intent column of the rows the bot should answer, then: "
            f"make import FILE={args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
