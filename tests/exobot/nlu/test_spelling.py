"""exobot/nlu/spelling.py: typos are corrected to training words; English words and the typed text are kept."""

import re
from typing import List

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from exobot.nlu.spelling import CORRECTED_TEXT, SpellingCorrector, Vocabulary

TRAINING = ["what are exosomes", "do exosomes help wrinkles", "is it safe for my wrinkles", "hair loss treatment"]


def tokenized(text: str) -> Message:
    """Words and punctuation as tokens, lemma = the word without a plural s (enough for these tests)."""
    tokens: List[Token] = [
        Token(match.group(), match.start(), lemma=re.sub(r"(?<=\w{4})s$", "", match.group().lower()))
        for match in re.finditer(r"\w+|[^\w\s]", text)
    ]
    return Message(data={TEXT: text, TOKENS_NAMES[TEXT]: tokens})


@pytest.fixture
def corrector(tmp_path) -> SpellingCorrector:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    component = SpellingCorrector({}, LocalModelStorage(tmp_path), Resource("spelling"))
    component.train(TrainingData([tokenized(text) for text in TRAINING]))
    return component


@pytest.mark.parametrize(
    "typo, correction",
    [
        ("exosmes", "exosomes"),
        ("exosoems", "exosomes"),
        ("wrinkels", "wrinkles"),
        ("treatmnet", "treatment"),
        ("Exosommes", "exosomes"),
    ],
)
def test_a_typo_one_letter_off_a_training_word_is_corrected(corrector, typo, correction):
    assert corrector.vocabulary.correction(typo) == correction


@pytest.mark.parametrize("word", ["sorry", "love", "cake", "dream", "hairs", "what", "exosomes", "bake", "spa", "r2d2"])
def test_english_words_training_words_and_short_or_odd_words_are_left_alone(corrector, word):
    assert corrector.vocabulary.correction(word) is None


def test_a_word_far_from_every_training_word_is_left_alone(corrector):
    assert corrector.vocabulary.correction("xqzvbnm") is None


def test_the_corrected_lemma_reaches_the_featurizers_and_the_typed_text_is_kept(corrector):
    message = tokenized("do exosmes help my wrinkels?")
    corrector.process([message])
    lemmas = [token.lemma for token in message.get(TOKENS_NAMES[TEXT])]
    assert lemmas[1] == "exosome" and lemmas[4].startswith("wrinkle")
    assert message.get(TEXT) == "do exosmes help my wrinkels?"
    assert message.get(CORRECTED_TEXT) == "do exosomes help my wrinkles?"


def test_the_vocabulary_survives_saving_and_loading(corrector, tmp_path):
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    loaded = SpellingCorrector.load({}, LocalModelStorage(tmp_path), corrector._resource, None)
    assert loaded.vocabulary.correction("exosmes") == "exosomes"


def test_the_most_frequent_training_word_wins_a_tie():
    vocabulary = Vocabulary({"hair": 5, "pair": 1}, {}, min_length=4)
    assert vocabulary.correction("xair") == "hair"


def test_a_message_without_tokens_is_untouched(corrector):
    message = Message(data={TEXT: ""})
    corrector.process([message])
    assert message.get(CORRECTED_TEXT) is None
