"""`make add-topic FILE=...` (exobot/tools/add_topic.py): a new question with its answer, examples and rule."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from exobot.content import load_content
from exobot.paths import ROOT
from exobot.tools.add_topic import add_topic
from exobot.tools.import_examples import ImportRefused
from exobot.tools.nlu_files import read_examples

EXAMPLE = ROOT / "topics" / "example_before_after_photos.yml"


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the files add-topic changes."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy(ROOT / "domain.yml", copy / "domain.yml")
    shutil.copytree(ROOT / "data", copy / "data")
    shutil.copytree(ROOT / "exobot" / "content", copy / "exobot" / "content")
    return copy


def snapshot(project: Path) -> dict:
    return {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}


def topic_file(tmp_path: Path, **changes) -> Path:
    topic = yaml.safe_load(EXAMPLE.read_text())
    topic.update(changes)
    path = tmp_path / "topic.yml"
    path.write_text(yaml.safe_dump(topic))
    return path


def test_the_example_topic_is_added_everywhere_it_is_needed(project):
    assert add_topic(EXAMPLE, root=project) == "ask_before_after_photos"

    assert "ask_before_after_photos" in yaml.safe_load((project / "domain.yml").read_text())["intents"]
    answer = load_content(project / "exobot" / "content").answers["ask_before_after_photos"]
    assert answer.title == "Can I see before-and-after photos?" and answer.follow_ups == [
        "ask_clinical_evidence",
        "book_appointment",
    ]
    examples = [e.text for e in read_examples([project / "data" / "nlu" / "clinic_topics.yml"])]
    assert len(examples) == 10 and examples == sorted(examples, key=str.casefold)
    rules = yaml.safe_load((project / "data" / "rules.yml").read_text())["rules"]
    assert {"intent": "ask_before_after_photos"} in rules[-1]["steps"]
    assert {"action": "action_answer_faq"} in rules[-1]["steps"]


def test_rasa_accepts_the_changed_domain_and_data(project):
    add_topic(EXAMPLE, root=project)
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "data",
            "validate",
            "--fail-on-warnings",
            "--domain",
            str(project / "domain.yml"),
            "--data",
            str(project / "data"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"intent": "Before After"}, "must be lower-case words joined by underscores"),
        ({"intent": "ask_cost"}, "'ask_cost' already exists"),
        ({"answer": ""}, "answer: must be a non-empty text"),
        ({"follow_ups": ["ask_nothing"]}, "follow_ups: 'ask_nothing' has no answer"),
        ({"examples": ["only one way to ask"]}, "give at least 10 different ways"),
        (
            {"examples": ["what are exosomes"] + [f"photos please {n}" for n in range(10)]},
            "example 1: 'what are exosomes' is already an example of another intent",
        ),
    ],
)
def test_a_wrong_topic_file_changes_nothing_and_says_what_to_fix(project, tmp_path, changes, message):
    before = snapshot(project)
    with pytest.raises(ImportRefused) as refusal:
        add_topic(topic_file(tmp_path, **changes), root=project)
    assert message in str(refusal.value) and "Nothing was changed" in str(refusal.value)
    assert snapshot(project) == before
