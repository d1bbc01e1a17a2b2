"""Edit an answer, its detail and its follow-up buttons in exobot/content/answers.yml.

The edit is checked as `make validate` checks the content (content_checks.all_problems, on a temporary
copy of the content folder with the edit applied), previewed as the widget shows it, and saved with
ruamel.yaml's round trip (comments, order and layout kept) by an atomic replace: the action server's
get_content() sees the new file and serves it without a restart.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import textwrap
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import FoldedScalarString

from exobot.content import Content, ContentError, load_content
from exobot.tools.content_checks import all_problems

ANSWERS_FILE = "answers.yml"
FOLLOW_UPS = 3  # buttons offered in the editor
LINE_WIDTH = 84  # answers.yml wraps its texts at about this many characters
_checking = threading.Lock()  # the checks' spaCy pipeline is used by one edit at a time
_saving = threading.Lock()


class ChangedMeanwhile(Exception):
    """answers.yml changed since the editor was opened; saving would lose the other change."""


@dataclass(frozen=True)
class AnswerEdit:
    """The new wording of one answer."""

    intent: str
    answer: str
    detail: str
    follow_ups: Tuple[str, ...]


@dataclass(frozen=True)
class Bubble:
    """One message as the widget shows it."""

    text: str
    buttons: List[str] = field(default_factory=list)


def normal(text: str) -> str:
    """One paragraph: line breaks and repeated spaces become single spaces."""
    return " ".join(text.split())


def edit_from_form(intent: str, answer: str, detail: str, follow_ups: Sequence[str]) -> AnswerEdit:
    """The edit as the form sent it: texts as one paragraph each, follow-ups without blanks or repeats."""
    chosen = tuple(dict.fromkeys(name.strip() for name in follow_ups if name.strip()))
    return AnswerEdit(intent, normal(answer), normal(detail), chosen)


def round_trip() -> YAML:
    """ruamel.yaml set up to write answers.yml back as it is laid out."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def folded(text: str, width: int = LINE_WIDTH) -> FoldedScalarString:
    """A `>-` block of the text, folded at spaces into lines of about `width` characters."""
    scalar = FoldedScalarString(text)
    positions, offset = [], 0
    for line in textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)[:-1]:
        offset += len(line)
        positions.append(offset)
        offset += 1  # the space the fold replaces
    scalar.fold_pos = positions
    return scalar


def edited_yaml(source: str, edit: AnswerEdit) -> str:
    """answers.yml's text with the edit applied; everything else (comments, order, layout) as it was."""
    yaml = round_trip()
    document = yaml.load(source)
    entry = document["answers"][edit.intent]
    for key, text in (("answer", edit.answer), ("detail", edit.detail)):
        if normal(str(entry.get(key) or "")) != text:
            entry[key] = folded(text)
    if [str(name) for name in entry.get("follow_ups") or []] != list(edit.follow_ups):
        follow_ups = entry.get("follow_ups")
        if follow_ups is None:
            entry["follow_ups"] = list(edit.follow_ups)
        else:
            follow_ups[:] = list(edit.follow_ups)
    output = io.StringIO()
    yaml.dump(document, output)
    return output.getvalue()


def version(content_dir: Path) -> str:
    """A fingerprint of answers.yml, to notice another change made while an editor was open."""
    return hashlib.sha256((content_dir / ANSWERS_FILE).read_bytes()).hexdigest()


def problems(content_dir: Path, edit: AnswerEdit) -> List[str]:
    """What `make validate` would say about the content with the edit applied (empty when it passes)."""
    new_text = edited_yaml((content_dir / ANSWERS_FILE).read_text(encoding="utf-8"), edit)
    with tempfile.TemporaryDirectory(prefix="console-content-") as folder:
        copy = Path(folder) / "content"
        shutil.copytree(content_dir, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        (copy / ANSWERS_FILE).write_text(new_text, encoding="utf-8")
        with _checking:
            found = all_problems(copy)
        return [problem.replace(str(copy), str(content_dir)) for problem in found]


def save(content_dir: Path, edit: AnswerEdit, expected_version: str) -> None:
    """Write the edit into answers.yml atomically, unless the file changed since `expected_version`."""
    path = content_dir / ANSWERS_FILE
    with _saving:
        if version(content_dir) != expected_version:
            raise ChangedMeanwhile(str(path))
        new_text = edited_yaml(path.read_text(encoding="utf-8"), edit)
        handle, temporary = tempfile.mkstemp(dir=content_dir, prefix=".answers.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(new_text)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, path.stat().st_mode & 0o777)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def current_edit(content: Content, intent: str) -> AnswerEdit:
    """The answer as it is now."""
    answer = content.answers[intent]
    return AnswerEdit(intent, normal(answer.text), normal(answer.detail), tuple(answer.follow_ups))


def preview(content: Content, edit: AnswerEdit) -> Dict[str, List[Bubble]]:
    """What the visitor sees: after the question (as actions/faq.py answers) and after "Yes, tell me more"."""
    notes = [Bubble(note) for note in content.answers[edit.intent].notes] if edit.intent in content.answers else []
    titles = [_title(content, name) for name in edit.follow_ups]
    more = content.messages.get("more_button") or ""
    return {
        "answer": [
            Bubble(edit.answer),
            *notes,
            Bubble(content.disclaimer),
            Bubble(content.say("more_offer"), [more, *titles]),
        ],
        "detail": [Bubble(edit.detail), *notes, Bubble(content.disclaimer, titles)],
    }


def _title(content: Content, intent: str) -> str:
    """A button's title, or the intent's name if it has none (the checks then name the mistake)."""
    try:
        return content.title_of(intent)
    except KeyError:
        return intent


def topics(content: Content) -> List[Tuple[str, str]]:
    """Every topic a follow-up button may lead to: (intent, title), as listed in the content."""
    titled = {intent: answer.title for intent, answer in content.answers.items()}
    titled.update(content.messages.get("button_titles") or {})
    return list(titled.items())


_loaded: Dict[Path, Tuple[tuple, Content]] = {}


def load(content_dir: Path) -> Content:
    """The content of `content_dir`, read again when a file changed (a file with a mistake: the last good one)."""
    signature = tuple((path.name, path.stat().st_mtime_ns) for path in sorted(content_dir.glob("*.yml")))
    cached = _loaded.get(content_dir)
    if cached is None or cached[0] != signature:
        try:
            _loaded[content_dir] = (signature, load_content(content_dir))
        except ContentError:
            if cached is None:
                raise
    return _loaded[content_dir][1]
