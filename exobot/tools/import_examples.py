"""Add labelled visitor phrasings from a CSV file to the training data.

    python -m exobot.tools.import_examples FILE.csv      (or: make import FILE=FILE.csv)

The CSV needs a header line with at least the columns `text` and `intent` (other columns, such as
those of review/unanswered.csv, are ignored). Rows with an empty intent are skipped. Every row is
checked first; if any is wrong, nothing is imported and each problem is listed with its line number.
Otherwise each example goes into the data/nlu/ file that holds its intent, kept in alphabetical order.
"""

import argparse
import csv
import difflib
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

import yaml

from exobot.paths import DOMAIN_FILE, NLU_DIR, ROOT, evaluation_sets
from exobot.quiet import quiet_dependency_warnings
from exobot.tools.nlu_files import (
    add_examples,
    evaluation_texts,
    examples_by_text,
    file_of_intent,
    read_examples,
    training_files,
)

MAX_LENGTH = 1000
NOT_TEACHABLE = {"nlu_fallback", "session_start", "restart", "back"}


class ImportRefused(Exception):
    """The CSV file cannot be imported; the message lists every problem."""


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def teachable_intents(domain_file: Path = DOMAIN_FILE) -> Set[str]:
    return set(yaml.safe_load(domain_file.read_text(encoding="utf-8"))["intents"]) - NOT_TEACHABLE


def read_rows(csv_file: Path) -> List[Tuple[int, str, str]]:
    """(line number, text, intent) of every labelled row."""
    try:
        with csv_file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = {name.strip().lower(): name for name in reader.fieldnames or []}
            if "text" not in columns or "intent" not in columns:
                raise ImportRefused(f"{csv_file}: line 1 must name the columns, for example: text,intent")
            rows = []
            for row in reader:
                text = (row.get(columns["text"]) or "").strip()
                intent = (row.get(columns["intent"]) or "").strip()
                if intent or text:
                    rows.append((reader.line_num, text, intent))
            return rows
    except FileNotFoundError:
        raise ImportRefused(f"{csv_file}: no such file") from None
    except UnicodeDecodeError:
        raise ImportRefused(f"{csv_file}: not a UTF-8 text file (save it as 'CSV UTF-8')") from None
    except csv.Error as error:
        raise ImportRefused(f"{csv_file}: not a readable CSV file: {error}") from None


def problems_with(
    rows: List[Tuple[int, str, str]], intents: Set[str], nlu_dir: Path, evaluation: Sequence[Path]
) -> List[str]:
    training = examples_by_text(read_examples(training_files(nlu_dir)))
    test_sets = evaluation_texts(evaluation)
    first_seen: Dict[str, int] = {}
    problems = []
    for line, text, intent in rows:
        if not intent:
            continue
        where = f"line {line}"
        key = text.casefold()
        if not text:
            problems.append(f"{where}: the text is empty")
        elif intent not in intents:
            close = difflib.get_close_matches(intent, sorted(intents), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(f"{where}: unknown intent '{intent}'{hint}; the intents are listed in domain.yml")
        elif "\n" in text or len(text) > MAX_LENGTH:
            problems.append(f"{where}: the text must be one line of at most {MAX_LENGTH} characters")
        elif "](" in text:
            problems.append(f"{where}: '[...](...)' marks entities in Rasa; reword the text without it")
        elif key in first_seen:
            problems.append(f"{where}: the same text as line {first_seen[key]}")
        elif key in training:
            known = training[key]
            same = "already an example of" if known.intent == intent else "already an example of another intent,"
            problems.append(f"{where}: '{text}' is {same} '{known.intent}' in {shown(known.path)}")
        elif key in test_sets:
            problems.append(
                f"{where}: '{text}' is in the evaluation set {shown(test_sets[key])}, "
                "which must stay unseen by training; use another phrasing"
            )
        first_seen.setdefault(key, line)
    return problems


def import_csv(csv_file: Path, nlu_dir: Path = NLU_DIR, evaluation: Optional[Sequence[Path]] = None) -> Dict[str, int]:
    """Check every row, then add the examples; return how many went to each intent."""
    rows = read_rows(csv_file)
    problems = problems_with(
        rows, teachable_intents(), nlu_dir, evaluation_sets() if evaluation is None else evaluation
    )
    if problems:
        raise ImportRefused(
            "\n".join(f"{csv_file}: {problem}" for problem in problems)
            + f"\nNothing was imported: fix the {len(problems)} line(s) above and run again."
        )
    by_intent: Dict[str, List[str]] = defaultdict(list)
    for _, text, intent in rows:
        if intent:
            by_intent[intent].append(text)
    for intent, texts in sorted(by_intent.items()):
        add_examples(file_of_intent(intent, nlu_dir), intent, texts)
    return Counter({intent: len(texts) for intent, texts in by_intent.items()})


def main() -> int:
    quiet_dependency_warnings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv_file", type=Path)
    args = parser.parse_args()
    try:
        added = import_csv(args.csv_file)
    except ImportRefused as refusal:
        print(refusal, file=sys.stderr)
        return 1
    if not added:
        print(f"{args.csv_file}: no labelled rows (fill in the intent column of the rows to teach)")
        return 0
    for intent, count in sorted(added.items()):
        print(f"  {intent}: {count} new example(s) in {shown(file_of_intent(intent))}")
    print(f"==> imported {sum(added.values())} example(s); run `make train` to teach them to the bot")
    return 0


if __name__ == "__main__":
    sys.exit(main())
