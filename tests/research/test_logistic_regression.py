"""research/logistic_regression.py: C and class weights from the config; a message without features is zeros."""

import numpy as np
import scipy.sparse
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from research.logistic_regression import TunedLogisticRegressionClassifier


def classifier(tmp_path, **config) -> TunedLogisticRegressionClassifier:
    return TunedLogisticRegressionClassifier(config, "lr", LocalModelStorage(tmp_path), Resource("lr"))


def message(text: str, sparse: list, dense: list, intent: str = None) -> Message:
    msg = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    msg.add_features(Features(scipy.sparse.coo_matrix([sparse]), FEATURE_TYPE_SENTENCE, TEXT, "counts"))
    msg.add_features(Features(np.array([dense], dtype=float), FEATURE_TYPE_SENTENCE, TEXT, "encoder"))
    return msg


def test_c_and_class_weight_come_from_the_config(tmp_path):
    model = classifier(tmp_path, C=20, class_weight=None)
    assert model.clf.C == 20 and model.clf.class_weight is None
    assert classifier(tmp_path).clf.C == 1.0


def test_sparse_and_dense_parts_are_each_scaled_to_unit_length(tmp_path):
    features = classifier(tmp_path)._create_X([message("a", [30, 40, 0], [0.0, 2.0])]).toarray()
    assert np.allclose(features, [[0.6, 0.8, 0.0, 0.0, 1.0]])


def test_it_learns_and_reads_a_message_without_features_as_zeros(tmp_path, monkeypatch):
    model = classifier(tmp_path, C=20, class_weight=None)
    monkeypatch.setattr(model, "persist", lambda: None)  # saving (skops) takes seconds and is Rasa's, not ours
    examples = [
        message("hair", [3, 0], [1.0, 0.0], "ask_hair_restoration"),
        message("skin", [0, 3], [0.0, 1.0], "ask_skin_rejuvenation"),
    ] * 5
    model.train(TrainingData(examples))
    hair, empty = message("hair?", [2, 0], [0.9, 0.1]), Message(data={TEXT: ""})
    model.process([hair, empty])
    assert hair.get(INTENT)["name"] == "ask_hair_restoration" and hair.get(INTENT)["confidence"] > 0.5
    assert empty.get(INTENT)["name"] in {
        "ask_hair_restoration",
        "ask_skin_rejuvenation",
    }  # BlankMessageClassifier decides
