"""exobot/nlu/classifier.py: scikit-learn's probabilities, computed message by message; nearest-example rejection."""

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from exobot.nlu.classifier import IntentClassifierWithNearestExamples

RNG = np.random.default_rng(7)
INTENTS = ["ask_hair_restoration", "ask_skin_rejuvenation", "ask_cost", "out_of_scope"]


def message(sparse, dense, intent=None) -> Message:
    msg = Message(data={TEXT: "text", **({INTENT: intent} if intent else {})})
    msg.add_features(Features(scipy.sparse.coo_matrix([sparse]), FEATURE_TYPE_SENTENCE, TEXT, "counts"))
    msg.add_features(Features(np.array([dense], dtype=float), FEATURE_TYPE_SENTENCE, TEXT, "encoder"))
    return msg


def examples(intents, per_intent=12):
    """Messages whose features lean towards their intent: a sparse word and a dense direction of its own."""
    found = []
    for number, intent in enumerate(intents):
        for _ in range(per_intent):
            sparse = RNG.integers(0, 2, 20) * (np.arange(20) % len(intents) == number) + RNG.integers(0, 2, 20)
            dense = RNG.normal(size=8) + 3 * (np.arange(8) == number)
            found.append(message(sparse.tolist(), dense.tolist(), intent))
    return found


def classifier(tmp_path, **config) -> IntentClassifierWithNearestExamples:
    return IntentClassifierWithNearestExamples({"C": 20, **config}, LocalModelStorage(tmp_path), Resource("clf"))


@pytest.mark.parametrize("intents", [INTENTS, INTENTS[:2]], ids=["several intents", "two intents"])
def test_probabilities_are_scikit_learns(tmp_path, intents):
    model = classifier(tmp_path)
    model.train(TrainingData(examples(intents)))
    new = examples(intents, per_intent=3)
    expected = model.model.predict_proba(model._features(new))

    model.process(new)

    for row, msg in enumerate(new):
        got = {r["name"]: r["confidence"] for r in msg.get(INTENT_RANKING_KEY)}
        assert np.allclose([got[name] for name in model.model.classes_], expected[row])


def test_a_message_far_from_every_example_of_its_intent_is_out_of_scope(tmp_path):
    model = classifier(tmp_path, min_similarity=0.5)
    model.train(TrainingData(examples(INTENTS)))
    near = message((np.arange(20) % 4 == 2).astype(int).tolist(), (3 * (np.arange(8) == 2)).tolist())
    far = message([0] * 20, (-3 * (np.arange(8) == 2) + 0.1).tolist())  # opposite to every cost example

    model.process([near, far])

    assert near.get(INTENT)["name"] == "ask_cost"
    assert far.get(INTENT) == {"name": "out_of_scope", "confidence": 1.0}
    assert [r["confidence"] for r in far.get(INTENT_RANKING_KEY)[1:]] == [0.0] * 3


def test_intents_that_are_never_rejected_keep_their_prediction(tmp_path):
    model = classifier(tmp_path, min_similarity=0.5, never_rejected=INTENTS)
    model.train(TrainingData(examples(INTENTS)))
    far = message([0] * 20, (-3 * (np.arange(8) == 2) + 0.1).tolist())

    model.process([far])

    assert far.get(INTENT)["confidence"] < 1.0


def test_it_is_saved_and_loaded_with_the_same_predictions(tmp_path):
    model = classifier(tmp_path, min_similarity=0.2)
    model.train(TrainingData(examples(INTENTS)))
    loaded = IntentClassifierWithNearestExamples.load(model.config, model._model_storage, model._resource, None)
    first, second = examples(INTENTS, per_intent=2), examples(INTENTS, per_intent=2)
    for a, b in zip(first, second):
        b.features = a.features

    model.process(first)
    loaded.process(second)

    assert [m.get(INTENT_RANKING_KEY) for m in first] == [m.get(INTENT_RANKING_KEY) for m in second]
