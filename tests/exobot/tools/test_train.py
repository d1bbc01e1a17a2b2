"""Safe retraining (exobot/tools/train.py): a worse model is refused, an accepted one is loaded live."""

import asyncio
import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from exobot.paths import ROOT
from exobot.tools import train
from exobot.tools.evaluation import parse_all, top_intents
from exobot.tools.nlu_files import add_examples, file_of_intent
from exobot.tools.train import TrainingRefused, hot_swap, regressions
from tests.visitor import Visitor

SWAPPED = {
    "ask_skin_rejuvenation": "ask_hair_restoration",
    "ask_hair_restoration": "ask_pigmentation",
    "ask_pigmentation": "ask_wound_healing",
    "ask_wound_healing": "ask_skin_rejuvenation",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scores(in_scope: float, oos: float, f1: dict) -> dict:
    return {
        "summary": {"in_scope_accuracy": in_scope, "out_of_scope_recall": oos},
        "per_intent": {**{intent: {"f1-score": value} for intent, value in f1.items()}, "accuracy": in_scope},
    }


def test_a_drop_of_up_to_one_point_is_accepted_and_more_is_reported_per_intent():
    old = scores(0.92, 0.95, {"greet": 0.95, "ask_cost": 0.90})
    assert regressions(old, scores(0.911, 0.941, {"greet": 0.95, "ask_cost": 0.89})) == []
    dropped = regressions(old, scores(0.90, 0.95, {"greet": 0.95, "ask_cost": 0.70}))
    assert dropped[0] == "in_scope_accuracy: 92.0% -> 90.0%"
    assert "  ask_cost: F1 0.90 -> 0.70" in dropped and not any("greet" in line for line in dropped)


def copy_of_serving_model(trained_model: Path, models: Path) -> None:
    models.mkdir()
    for stamp in trained_model.parent.glob(f"{train.MODEL_NAME}.*"):
        shutil.copy(stamp, models / stamp.name)


def intent_of(model: Path, text: str) -> str:
    return top_intents(asyncio.run(parse_all(model, [text])))[0][0]


def test_a_new_phrasing_is_accepted_by_the_gate_and_then_understood(trained_model, tmp_path):
    """The README's worked example: a phrasing the bot missed is added, trained, and answered."""
    phrasing = "will it lift my droopy decollete"
    assert intent_of(trained_model, phrasing) != "ask_skin_rejuvenation"
    models = tmp_path / "models"
    copy_of_serving_model(trained_model, models)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    add_examples(file_of_intent("ask_skin_rejuvenation", data / "nlu"), "ask_skin_rejuvenation", [phrasing])

    new_model = train.train(models_dir=models, data_dir=data)  # raises TrainingRefused if the gate says no

    assert sha256(new_model) != sha256(trained_model)
    assert intent_of(new_model, phrasing) == "ask_skin_rejuvenation"


def test_a_model_trained_on_damaged_data_is_refused_and_the_serving_model_stays(trained_model, tmp_path):
    models = tmp_path / "models"
    copy_of_serving_model(trained_model, models)
    serving = sha256(models / trained_model.name)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    treatments = data / "nlu" / "faq_treatments.yml"
    content = yaml.safe_load(treatments.read_text())
    for block in content["nlu"]:
        block["intent"] = SWAPPED.get(block["intent"], block["intent"])  # four topics' examples under wrong labels
    treatments.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True))

    with pytest.raises(TrainingRefused) as refusal:
        train.train(models_dir=models, data_dir=data)

    message = str(refusal.value)
    assert "in_scope_accuracy" in message and "ask_skin_rejuvenation: F1" in message
    assert sha256(models / trained_model.name) == serving
    assert (models / "candidate" / trained_model.name).exists()


def test_an_accepted_model_is_loaded_into_the_running_bot_and_conversations_carry_on(
    stack, trained_model, monkeypatch, capsys
):
    visitor = Visitor(stack.rasa_url)
    visitor.say("/session_start")
    assert visitor.texts("what are exosomes")[0].startswith("Exosomes")
    monkeypatch.setenv("RASA_URL", stack.rasa_url)
    monkeypatch.setenv("RASA_AUTH_TOKEN", stack.token)

    hot_swap(trained_model)

    assert "now serves the new model" in capsys.readouterr().out
    from exobot.content import get_content

    assert visitor.texts("yes")[0] == get_content().answers["ask_what_are_exosomes"].detail


def test_invalid_training_data_stops_the_training_and_names_the_problem(trained_model, tmp_path, capsys):
    models = tmp_path / "models"
    copy_of_serving_model(trained_model, models)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    with (data / "nlu" / "smalltalk.yml").open("a") as nlu:
        nlu.write("\n  - intent: ask_about_parking_fines\n    examples: |\n      - who pays my parking fine\n")

    with pytest.raises(TrainingRefused, match="the training data has problems"):
        train.train(models_dir=models, data_dir=data)

    assert "ask_about_parking_fines" in capsys.readouterr().out
    assert sha256(models / trained_model.name) == sha256(trained_model)
