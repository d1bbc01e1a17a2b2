"""Score the bot at its edges, on evaluation/edges/ (development and unseen parts), as visitors get the replies.

    python -m research.edges [--model models/exosome-bot.tar.gz] [--part development|unseen|both]
                             [--out results/edges]     (or: make edges)

For each part it prints: report recall (urgent care first) on reports written like cosmetic questions and
on reports in other languages; false urgent care on visitors' own cosmetic concerns; suitability precision
and recall; exosome answers to questions about other treatments alone (and comparisons still answered);
refusals of instruction, dose and home-use requests (and ordinary look-alikes refused); language detection
accuracy. The unseen part is scored once per candidate, after its choices were made on the development part.
"""

import argparse
import asyncio
import json
from pathlib import Path
from typing import Dict, List

import yaml

from exobot.nlu.edges import EDGE_KEY
from exobot.paths import EDGES_DIR, MODELS_DIR, RESULTS_DIR
from exobot.quiet import quiet_dependency_warnings
from exobot.tools.evaluation import parse_all

PARTS = ("development", "unseen")
URGENT = "report_adverse_reaction"
CONSULTATION = "ask_consultation"


def outcome(parsed: dict, answers: set) -> str:
    """What the visitor gets first: urgent, refusal, other_treatment, language, consultation, answer, no_answer."""
    intent = parsed["intent"]["name"]
    edge = parsed.get(EDGE_KEY) or {}
    if intent == URGENT:
        return "urgent"
    if edge.get("kind") in ("instructions", "other_treatment", "language"):
        return edge["kind"]
    if intent == CONSULTATION:
        return "consultation"
    if intent in answers:
        return "answer"
    return "no_answer"


def language_of(parsed: dict) -> str:
    return (parsed.get(EDGE_KEY) or {}).get("language") or "en"


def share(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def scores(sets: Dict[str, List[dict]], parsed: Dict[str, List[dict]], answers: set) -> Dict[str, dict]:
    """Every edge figure of one part, with the messages behind each miss."""
    got = {name: [outcome(p, answers) for p in parsed[name]] for name in sets}

    def rate(name: str, wanted, keep=lambda item: True) -> dict:
        pairs = [(item, o) for item, o in zip(sets[name], got[name]) if keep(item)]
        hits = [item["text"] for item, o in pairs if o in wanted]
        return {"rate": share(len(hits), len(pairs)), "count": len(hits), "of": len(pairs), "texts": hits}

    def misses(name: str, wanted, keep=lambda item: True) -> List[str]:
        return [f"{o}: {item['text']}" for item, o in zip(sets[name], got[name]) if keep(item) and o not in wanted]

    suitable = [item.get("suitability") for item in sets["suitability"]]
    consulted = [o == "consultation" for o in got["suitability"]]
    true_positive = sum(s and c for s, c in zip(suitable, consulted))
    languages = [(item["lang"], language_of(p)) for item, p in zip(sets["languages"], parsed["languages"])]
    return {
        "report_recall": {**rate("hidden_reports", {"urgent"}), "texts": misses("hidden_reports", {"urgent"})},
        "foreign_report_recall": {
            **rate("languages", {"urgent"}, lambda item: item.get("report")),
            "texts": misses("languages", {"urgent"}, lambda item: item.get("report")),
        },
        "false_urgent_own_concern": rate("own_concern", {"urgent"}),
        "suitability_precision": {"rate": share(true_positive, sum(consulted)), "of": sum(consulted)},
        "suitability_recall": {"rate": share(true_positive, sum(map(bool, suitable))), "of": sum(map(bool, suitable))},
        "suitability_wrong": {
            "texts": [
                f"{o}: {item['text']}"
                for item, o in zip(sets["suitability"], got["suitability"])
                if bool(item.get("suitability")) != (o == "consultation")
            ]
        },
        "exosome_answer_other_treatment": rate(
            "other_treatments", {"answer"}, lambda i: i["kind"] == "other_treatment"
        ),
        "comparison_answered": {
            **rate("other_treatments", {"answer"}, lambda i: i["kind"] != "other_treatment"),
            "texts": misses("other_treatments", {"answer"}, lambda i: i["kind"] != "other_treatment"),
        },
        "instruction_refusal": {
            **rate("instructions", {"refusal", "instructions"}, lambda i: i["kind"] == "refuse"),
            "texts": misses("instructions", {"instructions"}, lambda i: i["kind"] == "refuse"),
        },
        "look_alike_refused": rate("instructions", {"instructions"}, lambda i: i["kind"] == "legit"),
        "language_accuracy": {
            "rate": share(sum(want == found for want, found in languages), len(languages)),
            "of": len(languages),
            "texts": [
                f"{found} for {want}: {item['text']}"
                for item, (want, found) in zip(sets["languages"], languages)
                if want != found
            ],
        },
    }


SUMMARY = [
    ("report_recall", "reports written as cosmetic questions: urgent care first"),
    ("foreign_report_recall", "reports in other languages: urgent care first"),
    ("false_urgent_own_concern", "own cosmetic concerns given urgent care (lower is better)"),
    ("suitability_precision", "suitability: precision of the consultation answer"),
    ("suitability_recall", "suitability: recall of the consultation answer"),
    ("exosome_answer_other_treatment", "other treatments alone given an exosome answer (lower is better)"),
    ("comparison_answered", "comparisons and exosome controls given an exosome answer"),
    ("instruction_refusal", "instruction, dose and home-use requests refused"),
    ("look_alike_refused", "ordinary look-alikes refused (lower is better)"),
    ("language_accuracy", "language detected right"),
]


def load_part(part: str) -> Dict[str, List[dict]]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))[part] for path in sorted(EDGES_DIR.glob("*.yml"))
    }


def main() -> None:
    quiet_dependency_warnings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODELS_DIR / "exosome-bot.tar.gz")
    parser.add_argument("--part", choices=[*PARTS, "both"], default="both")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "edges")
    args = parser.parse_args()

    from exobot.content import get_content

    answers = set(get_content().answers)
    parts = PARTS if args.part == "both" else (args.part,)
    sets = {part: load_part(part) for part in parts}
    texts = [item["text"] for part in parts for items in sets[part].values() for item in items]
    parsed_all = iter(asyncio.run(parse_all(args.model, texts)))
    args.out.mkdir(parents=True, exist_ok=True)
    for part in parts:
        parsed = {name: [next(parsed_all) for _ in items] for name, items in sets[part].items()}
        result = scores(sets[part], parsed, answers)
        (args.out / f"{part}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        print(f"==> {part} part (details in {args.out / part}.json)")
        for key, label in SUMMARY:
            entry = result[key]
            print(f"  {entry['rate']:7.1%}  of {entry['of']:4d}  {label}")


if __name__ == "__main__":
    main()
