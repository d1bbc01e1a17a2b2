"""Sweep the FallbackClassifier's threshold and ambiguity threshold on saved held-out rankings.

Reads rankings.json written by research/evaluate.py (the classifier's ranking before the fallback),
replays the fallback rule for each pair of thresholds, and writes
results/thresholds/sweep.csv and a trade-off plot sweep.png.
"""

import argparse
import csv
import json
from pathlib import Path
from typing import Dict, List

from exobot.paths import ROOT

THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 20)]
AMBIGUITIES = [0.0, 0.05, 0.1, 0.15, 0.2, 0.3]


def predict(ranking: List[list], threshold: float, ambiguity: float) -> str:
    """The FallbackClassifier rule: fall back if unsure or if the top two are too close."""
    if not ranking:
        return "nlu_fallback"
    top = ranking[0][1]
    second = ranking[1][1] if len(ranking) > 1 else 0.0
    if top < threshold or top - second < ambiguity:
        return "nlu_fallback"
    return ranking[0][0]


def score(rows: List[dict], threshold: float, ambiguity: float) -> Dict[str, float]:
    in_scope = [r for r in rows if r["intent"] != "out_of_scope"]
    out_scope = [r for r in rows if r["intent"] == "out_of_scope"]
    predicted = {id(r): predict(r["ranking"], threshold, ambiguity) for r in rows}
    return {
        "threshold": threshold,
        "ambiguity_threshold": ambiguity,
        "in_scope_accuracy": sum(predicted[id(r)] == r["intent"] for r in in_scope) / len(in_scope),
        "in_scope_wrong_answer": sum(predicted[id(r)] not in (r["intent"], "nlu_fallback") for r in in_scope)
        / len(in_scope),
        "out_of_scope_recall": sum(predicted[id(r)] in ("out_of_scope", "nlu_fallback") for r in out_scope)
        / len(out_scope),
    }


def plot(results: List[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 5))
    for ambiguity in AMBIGUITIES:
        points = [r for r in results if r["ambiguity_threshold"] == ambiguity]
        axis.plot(
            [p["out_of_scope_recall"] for p in points],
            [p["in_scope_accuracy"] for p in points],
            marker=".",
            label=f"ambiguity {ambiguity}",
        )
    axis.set_xlabel("out-of-scope recall (fallback counted as out of scope)")
    axis.set_ylabel("in-scope accuracy")
    axis.set_title("Fallback thresholds on the held-out split (each point: one threshold)")
    axis.grid(True, alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rankings", type=Path, default=ROOT / "results" / "heldout" / "rankings.json")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "thresholds")
    args = parser.parse_args()
    rows = json.loads(args.rankings.read_text())
    results = [score(rows, t, a) for a in AMBIGUITIES for t in THRESHOLDS]
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "sweep.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(results[0]))
        writer.writeheader()
        writer.writerows(results)
    plot(results, args.out / "sweep.png")
    best = max(results, key=lambda r: (r["in_scope_accuracy"] + r["out_of_scope_recall"], -r["in_scope_wrong_answer"]))
    print(
        f"==> {len(results)} settings written to {args.out}/sweep.csv and sweep.png; "
        f"best balance: threshold {best['threshold']}, ambiguity {best['ambiguity_threshold']} "
        f"(in-scope {best['in_scope_accuracy']:.1%}, out-of-scope recall {best['out_of_scope_recall']:.1%})"
    )


if __name__ == "__main__":
    main()
