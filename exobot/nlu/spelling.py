"""Correct visitors' typos ("exosmes", "wrinkels") to words the bot was trained on, before featurization.

A word is corrected only when it is not an English word (spaCy's English lookup tables) and not in
the training data, and exactly one edit (a dropped, added, changed or swapped letter) turns it into a
training word; the most frequent such word wins. The corrected word's lemma goes to the sparse
featurizers, and the corrected text to the sentence encoder; the message's own text is left as typed.
"""

from __future__ import annotations

import gzip
import json
import string
from collections import Counter
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

CORRECTED_TEXT = "text_spelling_corrected"
VOCABULARY_FILE = "vocabulary.json"


@lru_cache(maxsize=1)
def english_words() -> FrozenSet[str]:
    """Every word form in spaCy's English lemma lookup table (about 67,000): real words, never corrected."""
    spec = find_spec("spacy_lookups_data")
    if spec is None or spec.origin is None:
        return frozenset()
    table = Path(spec.origin).parent / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(table, "rt", encoding="utf-8") as handle:
        lookup: Dict[str, str] = json.load(handle)
    return frozenset(lookup) | frozenset(lookup.values())


def one_edit_away(word: str) -> set:
    """Every string one deletion, transposition, replacement or insertion away from `word`."""
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [left + right[1:] for left, right in splits if right]
    swaps = [left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1]
    replaces = [left + c + right[1:] for left, right in splits if right for c in letters]
    inserts = [left + c + right for left, right in splits for c in letters]
    return set(deletes + swaps + replaces + inserts)


class Vocabulary:
    """The training data's words, how often each occurs, and the lemma it had there."""

    def __init__(self, counts: Dict[str, int], lemmas: Dict[str, str], min_length: int) -> None:
        self.counts = counts
        self.lemmas = lemmas
        self.min_length = min_length
        self.known = english_words()

    def correction(self, word: str) -> Optional[str]:
        """The training word this one is a typo of, or None when it is fine or nothing is close."""
        word = word.lower()
        if len(word) < self.min_length or not word.isalpha() or not word.isascii():
            return None
        if word in self.counts or word in self.known:
            return None
        candidates = [candidate for candidate in one_edit_away(word) if candidate in self.counts]
        if not candidates:
            return None
        return max(sorted(candidates), key=lambda candidate: self.counts[candidate])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SpellingCorrector(GraphComponent):
    """Place it right after the tokenizer."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_length": 4}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: Optional[Vocabulary] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self.vocabulary = vocabulary
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpellingCorrector:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        counts: Counter = Counter()
        lemmas: Dict[str, str] = {}
        for example in training_data.training_examples:
            for token in example.get(TOKENS_NAMES[TEXT]) or []:
                word = token.text.lower()
                counts[word] += 1
                lemmas.setdefault(word, token.lemma or word)
        self.vocabulary = Vocabulary(dict(counts), lemmas, self.config["min_length"])
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps({"counts": counts, "lemmas": lemmas}))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SpellingCorrector:
        config = {**cls.get_default_config(), **config}
        with model_storage.read_from(resource) as directory:
            saved = json.loads((directory / VOCABULARY_FILE).read_text())
        vocabulary = Vocabulary(saved["counts"], saved["lemmas"], config["min_length"])
        return cls(config, model_storage, resource, vocabulary)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._correct(message)
        return messages

    def _correct(self, message: Message) -> None:
        """Set the lemma of each misspelled token to its correction's, and the corrected text."""
        text = message.get(TEXT)
        tokens = message.get(TOKENS_NAMES[TEXT])
        if not self.vocabulary or not isinstance(text, str) or not tokens:
            return
        corrected = text
        for token in reversed(tokens):
            word = self.vocabulary.correction(token.text)
            if word is None:
                continue
            token.lemma = self.vocabulary.lemmas.get(word, word)
            corrected = corrected[: token.start] + word + corrected[token.end :]
        message.set(CORRECTED_TEXT, corrected)
