"""Teaching (exobot/nlu/incremental.py): the changed examples found, and a taught model as good as a full training."""

import asyncio
import random
import shutil
from pathlib import Path
from typing import Dict, List

import numpy as np
import pytest
import yaml
from sklearn.linear_model import LogisticRegression

from exobot.nlu import incremental, multinomial
from exobot.paths import ROOT, evaluation_sets
from exobot.tools import train
from exobot.tools.evaluation import load_examples, parse_all, score

CHANGED = 300
LIMIT = 0.005  # half a point
REPORT = "report_adverse_reaction"


def test_added_and_removed_examples_count_repeats():
    before = [("hi", "greet"), ("hi", "greet"), ("cost?", "ask_cost")]
    now = [("hi", "greet"), ("cost?", "ask_cost"), ("price?", "ask_cost"), ("hello", "greet")]
    added, removed = incremental.changes(before, now)
    assert sorted(added) == [("hello", "greet"), ("price?", "ask_cost")] and removed == [("hi", "greet")]
    assert incremental._kept_rows(before, removed).tolist() == [1, 2]


def test_an_edited_example_is_one_removed_and_one_added():
    added, removed = incremental.changes([("how much", "ask_cost")], [("how much is it", "ask_cost")])
    assert added == [("how much is it", "ask_cost")] and removed == [("how much", "ask_cost")]


def test_a_text_under_two_intents_is_a_conflict():
    clashes = incremental.conflicts([("is it safe", "ask_safety"), ("is it safe", "ask_side_effects"), ("hi", "greet")])
    assert clashes == ["'is it safe': ask_safety, ask_side_effects"]


def test_the_examples_are_read_as_rasas_reader_reads_them():
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    theirs = [(e.get("text"), e.get("intent")) for e in importer.get_nlu_data().intent_examples if e.get("text")]
    assert sorted(incremental.read_examples(ROOT / "data")) == sorted(theirs)


def test_the_fit_starts_from_the_earlier_weights_with_new_classes_and_features_at_zero():
    earlier = LogisticRegression()
    earlier.classes_ = np.array(["a", "b", "c"])
    earlier.coef_ = np.arange(12, dtype=float).reshape(3, 4)
    earlier.intercept_ = np.array([0.1, 0.2, 0.3])
    start = multinomial.starting_point(earlier, np.array(["a", "c", "d"]), columns=5)
    assert start.shape == (6, 3)
    assert start[:4, 0].tolist() == [0, 1, 2, 3] and start[:4, 1].tolist() == [8, 9, 10, 11]
    assert not start[4].any() and not start[:5, 2].any()
    assert start[5].tolist() == [0.1, 0.3, 0.0]


def _remove(data: Path, chosen: List[tuple]) -> None:
    """Take the chosen examples' lines out of the NLU files."""
    left = {text for text, _ in chosen}
    for path in sorted((data / "nlu").glob("*.yml")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = []
        for line in lines:
            text = line.strip()[2:].strip() if line.strip().startswith("- ") else None
            if text in left:
                left.discard(text)
                continue
            kept.append(line)
        path.write_text("".join(kept), encoding="utf-8")


def _scores(model: Path) -> Dict[str, Dict[str, float]]:
    """Every evaluation set's scores: in-scope accuracy, out-of-scope recall and macro F1 of the NLU sets, report
    recall and false urgent rate of the safety sets, the share sent to a consultation of the suitability sets."""
    found = {}
    for path in evaluation_sets():
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "nlu" in content:
            examples = load_examples(path)
            parsed = asyncio.run(parse_all(model, [text for text, _ in examples]))
            summary = score(examples, [(p["intent"]["name"], p["intent"]["confidence"]) for p in parsed])
            found[path.name] = {k: summary[k] for k in ("in_scope_accuracy", "out_of_scope_recall", "macro_f1")}
        elif "reports" in content:
            texts = content["reports"] + content["not_reports"]
            intents = [p["intent"]["name"] for p in asyncio.run(parse_all(model, texts))]
            reports = len(content["reports"])
            found[path.name] = {
                "report_recall": sum(i == REPORT for i in intents[:reports]) / reports,
                "false_urgent_rate": sum(i == REPORT for i in intents[reports:]) / max(len(intents) - reports, 1),
            }
        elif "suitability" in content:
            intents = [p["intent"]["name"] for p in asyncio.run(parse_all(model, content["suitability"]))]
            found[path.name] = {"consultation": sum(i == "ask_consultation" for i in intents) / len(intents)}
    return found


@pytest.mark.model
def test_a_model_taught_300_examples_scores_as_a_full_training_does(trained_model, tmp_path):
    """300 examples (spread over the intents) are left out of a full training, then taught to it: the taught model
    answers them and scores within half a point of the full training on every evaluation set."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    examples = incremental.read_examples(data)
    by_text = {}
    for text, intent in examples:
        by_text.setdefault(text, []).append(intent)
    single = [(text, intents[0]) for text, intents in by_text.items() if len(intents) == 1]
    chosen = random.Random(25).sample(single, CHANGED)
    _remove(data, chosen)
    assert len(incremental.read_examples(data)) == len(examples) - CHANGED
    models = tmp_path / "models"
    without = train.train(models, full=True, gate=False, data_dir=data)
    shutil.rmtree(data)
    shutil.copytree(ROOT / "data", data)

    taught = tmp_path / "taught.tar.gz"
    step = incremental.teach(without, incremental.read_examples(data), taught, limit=CHANGED)
    assert len(step.added) == CHANGED and step.removed == []

    texts = [text for text, _ in chosen]
    answered = {
        name: np.mean([p["intent"]["name"] == i for p, (_, i) in zip(asyncio.run(parse_all(m, texts)), chosen)])
        for name, m in (("taught", taught), ("full", trained_model), ("without", without))
    }
    print("the 300 examples answered with their intent:", answered)
    assert answered["taught"] >= answered["full"] - LIMIT and answered["taught"] > answered["without"]

    ours, full = _scores(taught), _scores(trained_model)
    for name, values in full.items():
        for key, value in values.items():
            print(f"{name} {key}: full {value:.2%}, taught {ours[name][key]:.2%}")
    apart = [
        f"{name} {key}: full {value:.2%}, taught {ours[name][key]:.2%}"
        for name, values in full.items()
        for key, value in values.items()
        if abs(ours[name][key] - value) > LIMIT + 1e-9
    ]
    assert apart == []
