"""`make import FILE=...` (exobot/tools/import_examples.py): checks every row, then merges into data/nlu/."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from exobot.paths import ROOT
from exobot.tools.import_examples import ImportRefused, import_csv
from exobot.tools.nlu_files import read_examples, training_files


@pytest.fixture
def nlu_dir(tmp_path) -> Path:
    """A copy of the training data to import into."""
    copy = tmp_path / "nlu"
    shutil.copytree(ROOT / "data" / "nlu", copy)
    return copy


def write_csv(tmp_path: Path, content: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "examples.csv"
    path.write_bytes(content.encode(encoding))
    return path


def snapshot(nlu_dir: Path) -> dict:
    return {path.name: path.read_bytes() for path in training_files(nlu_dir)}


def test_labelled_rows_go_to_the_file_of_their_intent_in_alphabetical_order(tmp_path, nlu_dir):
    csv_file = write_csv(
        tmp_path,
        "text,intent,best_guess\n"
        "will it sort out my crepey neck,ask_skin_rejuvenation,\n"
        "a question nobody labelled,,ask_cost\n"
        "Any good for a receding hairline?,ask_hair_restoration,\n",
    )

    added = import_csv(csv_file, nlu_dir=nlu_dir)

    assert added == {"ask_skin_rejuvenation": 1, "ask_hair_restoration": 1}
    examples = read_examples([nlu_dir / "faq_treatments.yml"])
    skin = [e.text for e in examples if e.intent == "ask_skin_rejuvenation"]
    assert "will it sort out my crepey neck" in skin
    assert skin == sorted(skin, key=str.casefold)
    assert "Any good for a receding hairline?" in [e.text for e in examples if e.intent == "ask_hair_restoration"]
    assert "a question nobody labelled" not in [e.text for e in read_examples(training_files(nlu_dir))]


@pytest.mark.parametrize(
    "row, message",
    [
        (",ask_cost", "line 2: the text is empty"),
        ("how much is it for the face,ask_costs", "line 2: unknown intent 'ask_costs' (did you mean 'ask_cost'?)"),
        (
            "what are exosomes,ask_what_are_exosomes",
            "line 2: 'what are exosomes' is already an example of 'ask_what_are_exosomes'",
        ),
        (
            "what are exosomes,ask_cost",
            "line 2: 'what are exosomes' is already an example of another intent, 'ask_what_are_exosomes'",
        ),
        ("hello there [x](y),greet", "line 2: '[...](...)' marks entities"),
        ("this is fine,nlu_fallback", "line 2: unknown intent 'nlu_fallback'"),
    ],
)
def test_each_bad_row_is_named_by_its_line_and_nothing_is_imported(tmp_path, nlu_dir, row, message):
    before = snapshot(nlu_dir)
    csv_file = write_csv(tmp_path, f"text,intent\n{row}\nwill it sort out my crepey neck,ask_skin_rejuvenation\n")

    with pytest.raises(ImportRefused) as refusal:
        import_csv(csv_file, nlu_dir=nlu_dir)

    assert message in str(refusal.value)
    assert "Nothing was imported" in str(refusal.value)
    assert snapshot(nlu_dir) == before


@pytest.mark.parametrize("evaluation_set", ["tests/nlu/test_nlu.yml", "tests/nlu/unseen.yml"])
def test_a_sentence_of_an_evaluation_set_is_refused(tmp_path, nlu_dir, evaluation_set):
    held_out_text = read_examples([ROOT / evaluation_set])[0]
    csv_file = write_csv(tmp_path, f'text,intent\n"{held_out_text.text}",{held_out_text.intent}\n')
    with pytest.raises(ImportRefused, match="line 2: .* is in the evaluation set"):
        import_csv(csv_file, nlu_dir=nlu_dir)


def test_a_message_of_the_safety_set_is_refused(tmp_path, nlu_dir):
    report = yaml.safe_load((ROOT / "tests" / "safety" / "safety_set.yml").read_text())["reports"][0]
    csv_file = write_csv(tmp_path, "text,intent\n" + '"' + report.replace('"', '""') + '",report_adverse_reaction\n')
    with pytest.raises(ImportRefused, match="is in the evaluation set tests/safety/safety_set.yml"):
        import_csv(csv_file, nlu_dir=nlu_dir)


def test_the_same_text_twice_in_the_file_is_refused(tmp_path, nlu_dir):
    csv_file = write_csv(
        tmp_path, "text,intent\nIs it OK for my neck,ask_safety_risks\nis it ok for my neck,ask_safety_risks\n"
    )
    with pytest.raises(ImportRefused, match="line 3: the same text as line 2"):
        import_csv(csv_file, nlu_dir=nlu_dir)


@pytest.mark.parametrize(
    "content, encoding, message",
    [
        ("words,label\nhi,greet\n", "utf-8", "line 1 must name the columns"),
        ("text,intent\ncafé au lait,greet\n", "latin-1", "not a UTF-8 text file"),
        ("", "utf-8", "line 1 must name the columns"),
    ],
)
def test_files_that_are_not_a_text_intent_csv_get_a_clear_message(tmp_path, nlu_dir, content, encoding, message):
    with pytest.raises(ImportRefused, match=message):
        import_csv(write_csv(tmp_path, content, encoding), nlu_dir=nlu_dir)


def test_a_spreadsheet_export_with_a_byte_order_mark_is_read(tmp_path, nlu_dir):
    csv_file = write_csv(tmp_path, "\ufefftext,intent\r\nwill it sort out my crepey neck,ask_skin_rejuvenation\r\n")
    assert import_csv(csv_file, nlu_dir=nlu_dir) == {"ask_skin_rejuvenation": 1}


def test_the_command_prints_the_problems_without_a_traceback(tmp_path):
    csv_file = write_csv(tmp_path, "text,intent\nhow much,ask_costs\n")
    result = subprocess.run(
        [sys.executable, "-m", "exobot.tools.import_examples", str(csv_file)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "line 2: unknown intent 'ask_costs'" in result.stderr
    assert "Traceback" not in result.stderr
