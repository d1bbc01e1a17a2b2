"""Lists of regular expressions kept in YAML (red_flags.yml, suitability.yml), and the intent they decide."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Pattern, Sequence, Text, Tuple

import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


@lru_cache(maxsize=4)
def patterns(path: Path) -> Dict[Text, Pattern]:
    """Each list of a patterns file (red_flags.yml, suitability.yml) as one compiled regular expression."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        name: re.compile("|".join(f"(?:{expression})" for expression in items))
        for name, items in data.items()
        if isinstance(items, list)
    }


def normalised(text: Text, path: Path) -> Text:
    """Lower case, straight quotes, single spaces, the file's chat shorthand ("u", "tx") written out."""
    words = re.findall(r"\w+|\W+", text.translate(QUOTES).lower())
    shorthand = _shorthand(path)
    return " ".join("".join(shorthand.get(word, word) for word in words).split())


@lru_cache(maxsize=4)
def _shorthand(path: Path) -> Dict[Text, Text]:
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("shorthand") or {}


def found_signs(path: Path, texts: Sequence[Text]) -> Tuple[Text, ...]:
    """The names of the lists in the patterns file that match any of the texts (lower-cased)."""
    texts = [normalised(text, path) for text in texts if text]
    return tuple(name for name, pattern in patterns(path).items() if any(pattern.search(text) for text in texts))


def make_top_intent(message: Message, intent: Text) -> None:
    """Make `intent` the message's intent with full confidence, first in its ranking (the rest kept in order)."""
    top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    others = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *others], add_to_output=True)
