"""Read NLU examples from Rasa YAML training files."""
from pathlib import Path
from typing import Dict, Iterable, List

import yaml


def examples_by_intent(files: Iterable[Path]) -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = {}
    for path in files:
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if "intent" not in block:
                continue
            lines = [line.strip()[2:].strip() for line in block["examples"].splitlines() if line.strip()]
            found.setdefault(block["intent"], []).extend(lines)
    return found
