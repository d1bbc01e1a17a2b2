"""Build the project's own English spaCy pipeline: a blank tokenizer plus a lookup lemmatizer.

Rasa's SpacyNLP stores only the path of this pipeline in a trained model, so it must
exist before training and before serving. No pretrained weights are downloaded.
"""

import sys
from pathlib import Path

import spacy

from exobot.paths import ROOT

DEFAULT_TARGET = ROOT / ".spacy" / "en_exosome"


def build(target: Path) -> None:
    """Create the pipeline and save it to `target`."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data
    nlp.meta["name"] = "exosome"
    nlp.meta["description"] = "Blank English tokenizer with a lookup lemmatizer (spacy-lookups-data)."
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TARGET
    build(target)
    check = spacy.load(target)
    lemmas = [t.lemma_ for t in check("wrinkles are getting worse")]
    print(f"spaCy pipeline saved to {target} (lemmas: {' '.join(lemmas)})")


if __name__ == "__main__":
    main()
