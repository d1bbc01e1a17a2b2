"""exobot/nlu/references.py: reference examples embedded as messages are, and the vote of the nearest ones."""

import numpy as np
import yaml
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from exobot.nlu.references import ENCODER_SETTINGS, References
from exobot.paths import ROOT


def test_the_reference_examples_are_embedded_with_the_pipelines_encoder_settings():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    [encoder] = [c for c in pipeline if c["name"].endswith("SentenceEncoderFeaturizer")]
    assert {key: encoder[key] for key in ENCODER_SETTINGS} == ENCODER_SETTINGS


def message_at(vector) -> Message:
    message = Message(data={TEXT: "a message"})
    message.add_features(Features(np.array([vector], dtype=np.float32), FEATURE_TYPE_SENTENCE, TEXT, "encoder"))
    return message


def test_the_vote_counts_the_nearest_examples_and_gives_the_nearest_similarity():
    vectors = np.array([[1, 0], [0.8, 0.6], [0, 1]], dtype=np.float32)
    references = References(vectors, np.array(["concern", "concern", "report"]))

    share, similarity = references.vote(message_at([1, 0]), "concern", k=2)

    assert share == 1.0 and similarity == 1.0
    assert references.vote(message_at([0, 1]), "concern", k=1) == (0.0, 1.0)
    assert not references.agrees(message_at([0, 1]), "concern", {"k": 3, "share": 0.8, "min_similarity": 0.5})


def test_no_examples_and_no_vector_give_no_vote():
    assert References.empty().vote(message_at([1, 0]), "concern", k=3) == (0.0, 0.0)
    references = References(np.eye(2, dtype=np.float32), np.array(["concern", "report"]))
    assert references.vote(Message(data={TEXT: "no features"}), "concern", k=1) == (0.0, 0.0)
