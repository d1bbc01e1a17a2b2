"""exobot/nlu/minilm.py: the NumPy all-MiniLM-L6-v2 gives the published sentence similarities."""

import numpy as np
import pytest

from exobot.nlu.minilm import MiniLM, basic_words


@pytest.fixture(scope="module")
def encoder() -> MiniLM:
    return MiniLM()


def test_similarities_match_the_sentence_transformers_documentation(encoder):
    # The sentence-transformers quickstart prints these similarities for all-MiniLM-L6-v2:
    # [[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], [0.1046, 0.1411, 1.0000]]
    vectors = encoder.embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
    similarities = vectors @ vectors.T
    expected = np.array([[1.0, 0.6660, 0.1046], [0.6660, 1.0, 0.1411], [0.1046, 0.1411, 1.0]])
    assert np.allclose(similarities, expected, atol=1e-3)


def test_one_text_and_a_padded_batch_give_the_same_vector(encoder):
    texts = ["hi", "can exosomes help with thinning hair after pregnancy?", "what are exosomes"]
    batch = encoder.embed(texts)
    for text, vector in zip(texts, batch):
        assert np.allclose(encoder.embed_one(text), vector, atol=1e-5)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)


def test_word_pieces_follow_bert_uncased(encoder):
    assert basic_words("Exosomes? Café, don't!") == ["exosomes", "?", "cafe", ",", "don", "'", "t", "!"]
    ids = encoder.tokenizer.encode("what are exosomes")
    vocabulary = {index: word for word, index in encoder.tokenizer.ids.items()}
    assert [vocabulary[i] for i in ids] == ["[CLS]", "what", "are", "ex", "##oso", "##mes", "[SEP]"]


def test_very_long_text_is_cut_to_the_model_limit(encoder):
    assert len(encoder.tokenizer.encode("exosome " * 1000)) == 128
    assert encoder.embed_one("exosome " * 1000).shape == (384,)


def test_text_of_only_unusual_characters_still_gets_a_vector(encoder):
    vector = encoder.embed_one("\u200b🙂🙂 \u0000")
    assert vector.shape == (384,) and np.isfinite(vector).all()


def test_max_pooling_ignores_the_padding_of_a_batch():
    pooled = MiniLM(pooling=("max",))
    alone = pooled.embed(["hair"])
    in_a_batch = pooled.embed(["hair", "can exosomes help with thinning hair after pregnancy"])
    assert np.allclose(alone[0], in_a_batch[0], atol=1e-5)


@pytest.mark.parametrize("pooling", [(), ("mean", "mean"), ("average",)])
def test_an_unknown_or_repeated_pooling_is_refused_with_the_choices(pooling):
    with pytest.raises(ValueError, match=r"pooling must be some of \['mean', 'max', 'cls'\]"):
        MiniLM(pooling=pooling)
