"""exobot/console/answers.py: edits checked as `make validate` checks, previewed, saved keeping answers.yml's layout."""

import difflib
import shutil
from dataclasses import replace

import pytest

from exobot.console.answers import (
    ANSWERS_FILE,
    ChangedMeanwhile,
    current_edit,
    edit_from_form,
    edited_yaml,
    preview,
    problems,
    save,
    version,
)
from exobot.content import CONTENT_DIR, load_content

CONTENT = load_content()


@pytest.fixture
def content_dir(tmp_path):
    """A copy of the content files."""
    shutil.copytree(CONTENT_DIR, tmp_path / "content", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "content"


def outside(text: str, intent: str) -> list:
    """The file's lines before and after the answer of `intent`."""
    lines = text.splitlines()
    start = lines.index(f"  {intent}:")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("  ") and not lines[i].startswith("   "))
    return lines[:start] + lines[end:]


def test_an_unchanged_answer_writes_the_file_back_byte_for_byte():
    source = (CONTENT_DIR / ANSWERS_FILE).read_text()
    for intent in CONTENT.answers:
        assert edited_yaml(source, current_edit(CONTENT, intent)) == source


def test_an_edit_changes_only_its_own_lines_and_keeps_the_comments():
    source = (CONTENT_DIR / ANSWERS_FILE).read_text()
    edit = current_edit(CONTENT, "ask_benefits")
    edit = replace(edit, answer=edit.answer + " Ask us.", follow_ups=edit.follow_ups[:2])

    after = edited_yaml(source, edit)

    assert outside(after, "ask_benefits") == outside(source, "ask_benefits")
    removed = [line for line in difflib.ndiff(source.splitlines(), after.splitlines()) if line.startswith("- ")]
    assert len(removed) == 2 and "follow_ups" in removed[-1], removed  # the answer's last line, and the follow-ups
    comments = [line for line in source.splitlines() if line.lstrip().startswith("#")]
    assert comments and [line for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    assert all(len(line) <= 100 for line in after.splitlines() if "Ask us" in line)


def test_form_text_becomes_one_paragraph_and_blank_buttons_are_dropped():
    edit = edit_from_form(
        "ask_benefits", "  Line one\r\nline two  ", "Detail", ["ask_safety_risks", "", "ask_safety_risks"]
    )
    assert edit.answer == "Line one line two" and edit.follow_ups == ("ask_safety_risks",)


def test_the_checks_pass_an_unchanged_answer_and_name_what_fails(content_dir):
    edit = current_edit(CONTENT, "ask_benefits")
    assert problems(content_dir, edit) == []

    promise = replace(edit, answer=edit.answer + " It cures baldness in every patient overnight.")
    unknown_button = replace(edit, follow_ups=("ask_about_parking",))

    found = problems(content_dir, promise)
    assert any("ask_benefits.answer: not supported" in problem and "cures" in problem for problem in found), found
    assert any("ask_about_parking" in problem for problem in problems(content_dir, unknown_button))
    assert (content_dir / ANSWERS_FILE).read_text() == (CONTENT_DIR / ANSWERS_FILE).read_text()  # checked on a copy


def test_saving_replaces_the_file_atomically_and_the_loader_reads_the_new_text(content_dir):
    edit = current_edit(CONTENT, "ask_benefits")
    edit = replace(edit, follow_ups=("ask_safety_risks", "ask_non_invasive"))
    mode = (content_dir / ANSWERS_FILE).stat().st_mode

    save(content_dir, edit, version(content_dir))

    assert load_content(content_dir).answers["ask_benefits"].follow_ups == ["ask_safety_risks", "ask_non_invasive"]
    assert (content_dir / ANSWERS_FILE).stat().st_mode == mode
    assert sorted(path.name for path in content_dir.iterdir() if path.name.startswith(".")) == []


def test_a_file_changed_since_the_editor_opened_is_not_overwritten(content_dir):
    opened = version(content_dir)
    path = content_dir / ANSWERS_FILE
    path.write_text(path.read_text() + "\n# someone else's note\n")

    with pytest.raises(ChangedMeanwhile):
        save(content_dir, current_edit(CONTENT, "ask_benefits"), opened)
    assert path.read_text().endswith("# someone else's note\n")


def test_the_preview_shows_the_answer_the_disclaimer_and_the_buttons_as_the_widget_does():
    edit = replace(current_edit(CONTENT, "ask_benefits"), answer="New answer.", follow_ups=("ask_safety_risks",))

    shown = preview(CONTENT, edit)

    assert [bubble.text for bubble in shown["answer"]] == ["New answer.", CONTENT.disclaimer, CONTENT.say("more_offer")]
    assert shown["answer"][-1].buttons == [CONTENT.messages["more_button"], CONTENT.title_of("ask_safety_risks")]
    assert shown["detail"][0].text == edit.detail and shown["detail"][-1].buttons == ["Is it safe?"]
