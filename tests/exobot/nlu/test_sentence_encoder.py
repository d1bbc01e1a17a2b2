"""exobot/nlu/sentence_encoder.py: one sentence vector per message; training reuses cached vectors."""

from typing import List, Sequence

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from exobot.nlu.minilm import MiniLM
from exobot.nlu.sentence_encoder import SentenceEncoderFeaturizer
from exobot.nlu.spelling import CORRECTED_TEXT


class CountingMiniLM(MiniLM):
    """The real encoder, remembering which texts it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: List[str] = []

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        self.embedded += list(texts)
        return super().embed(texts, batch_size)


@pytest.fixture(scope="module")
def encoder() -> CountingMiniLM:
    return CountingMiniLM()


def featurizer(encoder: MiniLM, cache_dir) -> SentenceEncoderFeaturizer:
    return SentenceEncoderFeaturizer({"cache_dir": str(cache_dir)}, "encoder", encoder)


def sentence_vector(message: Message) -> np.ndarray:
    return message.get_dense_features(TEXT)[1].features


def test_each_message_gets_one_unit_length_sentence_vector(encoder, tmp_path):
    message = Message(data={TEXT: "can exosomes help my hair"})
    featurizer(encoder, tmp_path).process([message])
    assert sentence_vector(message).shape == (1, 384)
    assert np.isclose(np.linalg.norm(sentence_vector(message)), 1.0, atol=1e-5)
    assert message.get_dense_features(TEXT)[0] is None  # no per-token vectors


def test_an_empty_message_gets_no_vector(encoder, tmp_path):
    message = Message(data={TEXT: "   "})
    featurizer(encoder, tmp_path).process([message])
    assert message.get_dense_features(TEXT)[1] is None


def test_the_spelling_correctors_text_is_what_gets_embedded(encoder, tmp_path):
    typed = Message(data={TEXT: "do exosmes help", CORRECTED_TEXT: "do exosomes help"})
    corrected = Message(data={TEXT: "do exosomes help"})
    featurizer(encoder, tmp_path).process([typed, corrected])
    assert np.allclose(sentence_vector(typed), sentence_vector(corrected))


def test_a_second_training_embeds_only_the_new_examples_and_gets_the_same_vectors(encoder, tmp_path):
    texts = ["what are exosomes", "is it safe", "does it hurt"]
    first = TrainingData([Message(data={TEXT: text, "intent": "x"}) for text in texts])
    encoder.embedded.clear()
    featurizer(encoder, tmp_path).process_training_data(first)
    assert sorted(encoder.embedded) == sorted(texts)

    second = TrainingData([Message(data={TEXT: text, "intent": "x"}) for text in texts + ["how long does it last"]])
    encoder.embedded.clear()
    featurizer(encoder, tmp_path).process_training_data(second)
    assert encoder.embedded == ["how long does it last"]
    for before, after in zip(first.training_examples, second.training_examples):
        assert np.allclose(sentence_vector(before), sentence_vector(after))
