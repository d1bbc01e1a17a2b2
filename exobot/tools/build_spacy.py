"""Build the project's own English spaCy pipeline: a blank tokenizer plus a lookup lemmatizer.

Rasa's SpacyNLP stores only the path of this pipeline in a trained model, so it must
exist before training and before serving. No pretrained weights are downloaded.
"""

import sys
from pathlib import Path

import spacy

from exobot.paths import ROOT

DEFAULT_TARGET = ROOT / ".spacy" / "en_exosome"
# Common English words (spacy-lookups-data's word frequencies), for telling English from another language.
ENGLISH_WORDS = ROOT / ".spacy" / "english_words.txt"
COMMON_WORD_LOG_PROBABILITY = -13.5


def build(target: Path) -> None:
    """Create the pipeline and save it to `target`."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data
    nlp.meta["name"] = "exosome"
    nlp.meta["description"] = "Blank English tokenizer with a lookup lemmatizer (spacy-lookups-data)."
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)


def write_english_words(target: Path = ENGLISH_WORDS) -> int:
    """Write the words whose frequency in English text makes them common, one a line; return how many."""
    import gzip
    import json

    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        probabilities = json.load(handle)
    words = sorted(word for word, value in probabilities.items() if value >= COMMON_WORD_LOG_PROBABILITY)
    target.write_text("\n".join(words) + "\n", encoding="utf-8")
    return len(words)


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TARGET
    build(target)
    check = spacy.load(target)
    lemmas = [t.lemma_ for t in check("wrinkles are getting worse")]
    print(f"spaCy pipeline saved to {target} (lemmas: {' '.join(lemmas)})")
    print(f"{write_english_words()} common English words saved to {ENGLISH_WORDS}")


if __name__ == "__main__":
    main()
