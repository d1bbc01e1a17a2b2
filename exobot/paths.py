"""Where the project's files are. The package is installed in editable mode, so its parent is the project folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
NLU_DIR = DATA_DIR / "nlu"
DOMAIN_FILE = ROOT / "domain.yml"
MODELS_DIR = ROOT / "models"
RESULTS_DIR = ROOT / "results"
# The held-out split: never trained on; the training gate and the test suite score every model on it.
HELD_OUT = ROOT / "tests" / "nlu" / "test_nlu.yml"
# Written independently of the training data, by other hands: never trained on, never tuned against.
UNSEEN = ROOT / "tests" / "nlu" / "unseen.yml"
# The edges (reports that read like cosmetic questions, own concerns, suitability, other treatments, instructions,
# other languages), each with a development and an unseen part: never trained on.
EDGES_DIR = ROOT / "evaluation" / "edges"


def evaluation_sets() -> list:
    """Every file of messages that must never become training data: NLU test sets, safety sets, tuning sets."""
    return [
        HELD_OUT,
        UNSEEN,
        *sorted((ROOT / "tests" / "safety").glob("*.yml")),
        *sorted((ROOT / "research" / "data").glob("*.yml")),
        *sorted(EDGES_DIR.glob("*.yml")),
    ]
