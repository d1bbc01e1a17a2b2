"""Add a whole new question for the bot to answer: its intent, curated answer, examples and rule.

    python -m exobot.tools.add_topic topics/your_topic.yml      (or: make add-topic FILE=topics/your_topic.yml)

The topic file is described in topics/example_before_after_photos.yml. Everything is checked first; if anything
is wrong nothing is changed and each problem is listed. Then the intent is added to domain.yml, the
answer to exobot/content/answers.yml, the examples to data/nlu/clinic_topics.yml and a rule to
data/rules.yml. Run `make train` afterwards (a new intent means training from scratch).
"""

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Dict, List

import yaml

from exobot.paths import ROOT, evaluation_sets
from exobot.quiet import quiet_dependency_warnings
from exobot.tools.import_examples import ImportRefused, problems_with, teachable_intents

MIN_EXAMPLES = 10
INTENT_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
REQUIRED_TEXTS = ("title", "source", "answer", "detail")
TOPICS_FILE = Path("data") / "nlu" / "clinic_topics.yml"


def read_topic(topic_file: Path) -> Dict:
    try:
        topic = yaml.safe_load(topic_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportRefused(f"{topic_file}: no such file") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ImportRefused(f"{topic_file}: not a readable YAML file: {error}") from None
    if not isinstance(topic, dict):
        raise ImportRefused(f"{topic_file}: expected intent, title, source, answer, detail and examples")
    return topic


def problems_with_topic(topic: Dict, root: Path) -> List[str]:
    problems = []
    intent = str(topic.get("intent") or "")
    answers = yaml.safe_load((root / "exobot" / "content" / "answers.yml").read_text(encoding="utf-8"))["answers"]
    known = teachable_intents(root / "domain.yml")
    if not INTENT_NAME.match(intent):
        problems.append(
            f"intent: '{intent}' must be lower-case words joined by underscores, e.g. ask_before_after_photos"
        )
    elif intent in known:
        problems.append(f"intent: '{intent}' already exists; choose a new name")
    problems += [
        f"{key}: must be a non-empty text"
        for key in REQUIRED_TEXTS
        if not isinstance(topic.get(key), str) or not topic[key].strip()
    ]
    follow_ups = topic.get("follow_ups") or []
    if not isinstance(follow_ups, list):
        problems.append("follow_ups: must be a list of intent names")
    else:
        problems += [
            f"follow_ups: '{name}' has no answer in exobot/content/answers.yml"
            for name in follow_ups
            if name not in answers and name not in ("book_appointment", "ask_cost", "ask_clinic_info", "request_human")
        ]
    examples = topic.get("examples")
    if not isinstance(examples, list) or len([e for e in examples if str(e).strip()]) < MIN_EXAMPLES:
        problems.append(f"examples: give at least {MIN_EXAMPLES} different ways a visitor might ask")
    elif INTENT_NAME.match(intent) and intent not in known:
        rows = [(number + 1, str(text).strip(), intent) for number, text in enumerate(examples)]
        problems += [
            problem.replace("line ", "example ", 1)
            for problem in problems_with(rows, known | {intent}, root / "data" / "nlu", evaluation_sets())
        ]
    return problems


def _add_to_domain(text: str, intent: str) -> str:
    lines = text.splitlines()
    start = lines.index("intents:")
    end = start + 1
    while end < len(lines) and (lines[end].startswith("  ") or not lines[end].strip()):
        end += 1
    while not lines[end - 1].strip():
        end -= 1
    lines[end:end] = ["  # added with make add-topic: answered by action_answer_faq", f"  - {intent}"]
    return "\n".join(lines) + "\n"


def _answer_entry(topic: Dict) -> str:
    entry = {
        topic["intent"]: {
            "title": topic["title"].strip(),
            "clinic_statement": topic["source"].strip(),
            "answer": topic["answer"].strip(),
        }
    }
    entry[topic["intent"]]["follow_ups"] = list(topic.get("follow_ups") or [])
    entry[topic["intent"]]["detail"] = topic["detail"].strip()
    dumped = yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=100)
    return "\n" + "".join(f"  {line}\n" for line in dumped.splitlines())


def _examples_block(topic: Dict, existing: str) -> str:
    header = (
        'version: "3.1"\n\n# Questions the clinic added with make add-topic, one intent each.\nnlu:\n'
        if not existing
        else existing.rstrip("\n") + "\n\n"
    )
    examples = sorted({str(text).strip() for text in topic["examples"] if str(text).strip()}, key=str.casefold)
    return header + f"  - intent: {topic['intent']}\n    examples: |\n" + "".join(f"      - {t}\n" for t in examples)


def _rule(intent: str) -> str:
    return (
        f"\n  - rule: {intent} is answered by action_answer_faq\n    steps:\n"
        f"      - intent: {intent}\n      - action: action_answer_faq\n"
    )


def add_topic(topic_file: Path, root: Path = ROOT) -> str:
    """Check the topic file, then write the four files; return the new intent."""
    topic = read_topic(topic_file)
    problems = problems_with_topic(topic, root)
    if problems:
        raise ImportRefused(
            "\n".join(f"{topic_file}: {problem}" for problem in problems)
            + "\nNothing was changed: fix the problems above and run again."
        )
    intent = topic["intent"]
    answers_file = root / "exobot" / "content" / "answers.yml"
    topics_file = root / TOPICS_FILE
    changes = {
        root / "domain.yml": _add_to_domain((root / "domain.yml").read_text(encoding="utf-8"), intent),
        answers_file: answers_file.read_text(encoding="utf-8").rstrip("\n") + "\n" + _answer_entry(topic),
        topics_file: _examples_block(topic, topics_file.read_text(encoding="utf-8") if topics_file.exists() else ""),
        root / "data" / "rules.yml": (root / "data" / "rules.yml").read_text(encoding="utf-8").rstrip("\n")
        + "\n"
        + _rule(intent),
    }
    for text in changes.values():
        yaml.safe_load(text)  # every file must still parse before any is written
    for path, text in changes.items():
        path.with_suffix(".tmp").write_text(text, encoding="utf-8")
    for path in changes:
        os.replace(path.with_suffix(".tmp"), path)
    return intent


def main() -> int:
    quiet_dependency_warnings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("topic_file", type=Path)
    args = parser.parse_args()
    try:
        intent = add_topic(args.topic_file)
    except ImportRefused as refusal:
        print(refusal, file=sys.stderr)
        return 1
    print(f"==> added '{intent}' to domain.yml, exobot/content/answers.yml, {TOPICS_FILE} and data/rules.yml")
    print("    Next: make train (a new topic means training from scratch: a few minutes), then make run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
