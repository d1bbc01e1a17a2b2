"""Write the held-out report of a trained model: summary, per-intent report, misclassified messages, rankings.

    python -m research.evaluate [--model models/exosome-bot.tar.gz] [--nlu tests/nlu/test_nlu.yml]
                                [--out results/heldout]

Scored as visitors get it, fallback included (exobot/tools/evaluation.py).
"""

import argparse
import asyncio
import json
from pathlib import Path

from exobot.paths import HELD_OUT, MODELS_DIR, RESULTS_DIR
from exobot.quiet import quiet_dependency_warnings
from exobot.tools.evaluation import (
    load_examples,
    parse_all,
    per_intent_report,
    raw_rankings,
    serving_scores,
    top_intents,
    write_misclassified,
)


def main() -> None:
    quiet_dependency_warnings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODELS_DIR / "exosome-bot.tar.gz")
    parser.add_argument("--nlu", type=Path, default=HELD_OUT)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "heldout")
    args = parser.parse_args()

    examples = load_examples(args.nlu)
    parsed = asyncio.run(parse_all(args.model, [text for text, _ in examples]))
    predictions = top_intents(parsed)
    metrics = serving_scores(examples, parsed)
    args.out.mkdir(parents=True, exist_ok=True)
    rankings = [{"text": t, "intent": i, "ranking": r} for (t, i), r in zip(examples, raw_rankings(parsed))]
    (args.out / "rankings.json").write_text(json.dumps(rankings) + "\n")
    (args.out / "summary.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (args.out / "intent_report.json").write_text(json.dumps(per_intent_report(examples, predictions), indent=2) + "\n")
    write_misclassified(args.out / "misclassified.csv", examples, predictions)
    print(
        f"held-out ({metrics['examples']} messages): accuracy {metrics['accuracy']:.1%}, "
        f"in-scope accuracy {metrics['in_scope_accuracy']:.1%}, "
        f"out-of-scope recall {metrics['out_of_scope_recall']:.1%}, "
        f"macro F1 {metrics['macro_f1']:.3f}, in-scope fallback {metrics['in_scope_fallback_rate']:.1%}, "
        f"wrong topic {metrics['wrong_topic_rate']:.1%}, right topic offered by 'Did you mean' "
        f"{metrics['clarification_hit_rate']:.1%}, out-of-scope messages given an exosome answer "
        f"{metrics['exosome_answer_rate']:.1%}"
    )


if __name__ == "__main__":
    main()
