"""Read and change the training examples in data/nlu/*.yml, keeping each file's layout and comments."""

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

import yaml

from exobot.paths import NLU_DIR

INTENT_LINE = re.compile(r"^(\s*)- intent: (\S+)\s*$")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    path: Path


def read_examples(files: Iterable[Path]) -> List[Example]:
    found = []
    for path in files:
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                for line in block.get("examples", "").splitlines():
                    if line.strip().startswith("- "):
                        found.append(Example(line.strip()[2:].strip(), block["intent"], path))
    return found


def examples_by_intent(files: Iterable[Path]) -> Dict[str, List[str]]:
    """The example texts of each intent in `files`, in file order."""
    found: Dict[str, List[str]] = {}
    for example in read_examples(files):
        found.setdefault(example.intent, []).append(example.text)
    return found


def evaluation_texts(files: Iterable[Path]) -> Dict[str, Path]:
    """Every message of the evaluation sets (NLU files, or lists of messages), lower-cased, with its file."""
    found: Dict[str, Path] = {}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "nlu" in data:
            found.update({example.text.casefold(): path for example in read_examples([path])})
            continue
        for messages in data.values():
            if isinstance(messages, list):
                texts = [message.get("text") if isinstance(message, dict) else message for message in messages]
                found.update({str(text).casefold(): path for text in texts})
    return found


def training_files(nlu_dir: Path = NLU_DIR) -> List[Path]:
    return sorted(nlu_dir.glob("*.yml"))


def file_of_intent(intent: str, nlu_dir: Path = NLU_DIR) -> Path:
    """The training file that holds the intent's examples."""
    for path in training_files(nlu_dir):
        if any(
            INTENT_LINE.match(line) and INTENT_LINE.match(line).group(2) == intent
            for line in path.read_text(encoding="utf-8").splitlines()
        ):
            return path
    raise KeyError(intent)


def _example_block(lines: List[str], intent: str) -> Tuple[int, int, str]:
    """(first, end) line numbers of the intent's example lines, and their indentation."""
    for number, line in enumerate(lines):
        match = INTENT_LINE.match(line)
        if match and match.group(2) == intent:
            start = number + 2  # after "- intent:" and "examples: |"
            if not lines[number + 1].strip().startswith("examples:"):
                raise ValueError(f"'{intent}': expected 'examples: |' on the line after '- intent:'")
            end = start
            while end < len(lines) and lines[end].strip().startswith("- ") and not INTENT_LINE.match(lines[end]):
                end += 1
            indent = re.match(r"^(\s*)", lines[start]).group(1) if start < len(lines) else "      "
            return start, end, indent
    raise KeyError(intent)


def add_examples(path: Path, intent: str, texts: Iterable[str]) -> None:
    """Add examples to the intent's block, sorted alphabetically; the file is replaced only when complete."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start, end, indent = _example_block(lines, intent)
    existing = [line.strip()[2:].strip() for line in lines[start:end]]
    merged = sorted(set(existing) | set(texts), key=str.casefold)
    lines[start:end] = [f"{indent}- {text}" for text in merged]
    new_text = "\n".join(lines) + "\n"
    yaml.safe_load(new_text)  # never write a file that no longer parses
    temporary = path.with_suffix(".yml.tmp")
    temporary.write_text(new_text, encoding="utf-8")
    os.replace(temporary, path)


def examples_by_text(examples: Iterable[Example]) -> Dict[str, Example]:
    return {example.text.casefold(): example for example in examples}
