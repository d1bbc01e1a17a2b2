"""`make review` (exobot/tools/review.py) on conversations held by the running bot, then `make import` of the labels."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

from exobot.paths import ROOT
from exobot.tools.import_examples import import_csv
from exobot.tools.nlu_files import read_examples, training_files
from tests.visitor import Visitor


def review(stack, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "exobot.tools.review",
            "--endpoints",
            str(stack.state_dir / "endpoints.yml"),
            "--out",
            str(out),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def rows(path: Path) -> list:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_unanswered_messages_are_listed_most_frequent_first_and_can_be_labelled_and_imported(stack, tmp_path):
    for visitor_message in [
        "can you service my car",
        "what are exosomes",
        "Can you service my car",
        "zxqv blorp",
        "can you service my car",
    ]:
        visitor = Visitor(stack.rasa_url)
        visitor.say("/session_start")
        visitor.say(visitor_message)
    out = tmp_path / "review" / "unanswered.csv"

    result = review(stack, out)

    assert result.returncode == 0, result.stderr
    listed = rows(out)
    assert listed[0]["text"].casefold() == "can you service my car" and listed[0]["times_asked"] == "3"
    assert "zxqv blorp" in [row["text"] for row in listed]
    assert "what are exosomes" not in [row["text"] for row in listed]
    assert all(row["intent"] == "" and row["best_guess"] and row["last_asked"] for row in listed)

    # Staff label one row; the import adds it to (a copy of) the training data.
    listed[0]["intent"] = "out_of_scope"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(listed[0]))
        writer.writeheader()
        writer.writerows(listed)
    nlu_dir = tmp_path / "nlu"
    shutil.copytree(ROOT / "data" / "nlu", nlu_dir)
    assert import_csv(out, nlu_dir=nlu_dir) == {"out_of_scope": 1}
    assert listed[0]["text"] in [e.text for e in read_examples(training_files(nlu_dir)) if e.intent == "out_of_scope"]

    # The next review lists only what came after this one, and keeps the labelled file.
    Visitor(stack.rasa_url).say("qwerty uiop asdf")
    again = review(stack, out)
    assert again.returncode == 0, again.stderr
    assert [row["text"] for row in rows(out)] == ["qwerty uiop asdf"]
    kept = [path for path in out.parent.glob("unanswered-*.csv")]
    assert len(kept) == 1 and rows(kept[0])[0]["intent"] == "out_of_scope"
