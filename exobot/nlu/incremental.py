"""Teach the serving model a few changed examples in seconds, instead of training everything again.

Rasa's own way is `rasa train --finetune`: every component is loaded from the previous model and trained
again from there (the classifier here supports it: its fit starts from the loaded weights). But it still
runs the whole training graph: it reads, featurises and fingerprints all 9,000 examples and packs the
model again, which takes longer than the 20 seconds staff should wait. Teaching keeps Rasa's idea and
its model format and leaves its training graph:

1. The examples in data/ are compared with those the serving model was trained on (the classifier
   keeps their texts): which were added, which removed (an edited example is one of each).
2. Only the added examples are featurised, by the serving model's own pipeline (spaCy, spelling,
   word and character counts with the serving vocabulary, the sentence encoder).
3. The logistic regression is fitted on the kept examples' stored features plus the new ones, starting
   from the serving weights (exobot/nlu/multinomial.py): the same optimum, a few dozen iterations.
4. The model archive is the serving one with the classifier's files replaced.

Where it leaves `--finetune`: the word and character vocabularies stay as they are (Rasa's finetuning
would append new words); a word that appears only in the new examples is not a feature until the next
full training, which runs after `MAX_STEPS` teaching steps or `MAX_CHANGED` changed examples, and
whenever anything other than the NLU examples changed (exobot/tools/train.py decides). A change of
intents (a new topic) always needs a full training.
"""

from __future__ import annotations

import dataclasses
import json
import tarfile
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
from scipy.sparse import vstack

from exobot.nlu import multinomial
from exobot.nlu.classifier import IntentClassifierWithNearestExamples

# Up to this many added (and as many removed) examples per teaching step; more: a full training.
MAX_EXAMPLES = 50
# A full training after this many teaching steps in a row, or this many changed examples since the last
# full training (tests/exobot/nlu/test_incremental.py: 300 changed examples score within half a point).
MAX_STEPS = 10
MAX_CHANGED = 300
# The teaching fit's iterations from the serving weights (a full fit takes about 300 from zeros): enough for
# the new examples to be answered and every evaluation set to score within half a point of a full training.
TEACHING_ITERATIONS = 30

Example = Tuple[str, str]  # (text, intent)


class NeedsFullTraining(Exception):
    """Teaching cannot make this change; the text says why."""


@dataclasses.dataclass
class Taught:
    """What a teaching step did and how long each part took (seconds)."""

    added: List[Example]
    removed: List[Example]
    iterations: int
    seconds: Dict[str, float]


def read_examples(data_dir: Path) -> List[Example]:
    """The (text, intent) of every NLU example under `data_dir`, as Rasa's YAML reader gives them (its
    multi-line `examples: |` form), in a tenth of its time: Rasa checks each file against its schema first,
    which `rasa data validate` does for a full training."""
    import yaml
    from rasa.shared.nlu.training_data import entities_parser
    from rasa.shared.nlu.training_data.formats.rasa_yaml import STRIP_SYMBOLS

    found: List[Example] = []
    for path in sorted(data_dir.rglob("*.yml")) + sorted(data_dir.rglob("*.yaml")):
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for block in (content or {}).get("nlu", []) if isinstance(content, dict) else []:
            if not isinstance(block, dict) or "intent" not in block:
                continue
            examples = block.get("examples")
            if not isinstance(examples, str):
                raise NeedsFullTraining(f"{path.name}: intent '{block['intent']}' lists its examples another way")
            for line in examples.splitlines():
                if line.startswith("-"):
                    text = line[1:].strip(STRIP_SYMBOLS)
                    if "[" in text or "{" in text:
                        text = entities_parser.replace_entities(text)
                    if text:
                        found.append((text, str(block["intent"])))
    return found


def conflicts(examples: List[Example]) -> List[str]:
    """Texts given to more than one intent (what `rasa data validate` refuses), each with its intents."""
    intents: Dict[str, set] = {}
    for text, intent in examples:
        intents.setdefault(text, set()).add(intent)
    return [f"'{text}': {', '.join(sorted(names))}" for text, names in intents.items() if len(names) > 1]


def changes(before: List[Example], now: List[Example]) -> Tuple[List[Example], List[Example]]:
    """(added, removed) examples between two lists, counting repeats."""
    old, new = Counter(before), Counter(now)
    return list((new - old).elements()), list((old - new).elements())


def teach(
    serving: Path, examples: List[Example], out: Path, limit: int = MAX_EXAMPLES, workspace: Path | None = None
) -> Taught:
    """Write to `out` the serving model taught `examples` (all NLU examples as they are now)."""
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    timer = _Timer()
    with tempfile.TemporaryDirectory(prefix="teach-", dir=workspace) as folder:
        storage_dir = Path(folder) / "components"
        storage_dir.mkdir()
        storage, metadata = LocalModelStorage.from_model_archive(storage_dir, serving)
        classifier, node = _load_classifier(storage, metadata)
        timer.lap("load")
        if not classifier.texts or classifier.model is None:
            raise NeedsFullTraining("the serving model keeps no example features (trained before teaching existed)")
        before = list(zip(classifier.texts, classifier.labels.tolist()))
        added, removed = changes(before, examples)
        if {intent for _, intent in examples} != set(classifier.model.classes_.tolist()):
            raise NeedsFullTraining("the intents changed (a new or removed topic)")
        if len(added) > limit or len(removed) > limit:
            raise NeedsFullTraining(f"{max(len(added), len(removed))} examples changed (teaching takes up to {limit})")
        new_blocks = _featurise([text for text, _ in added], storage, metadata, node, classifier)
        timer.lap("featurise")
        keep = _kept_rows(before, removed)
        blocks = multinomial.SideBySide(
            vstack([classifier.rows[keep], new_blocks.sparse]).tocsr(),
            np.vstack([classifier.vectors[keep].astype(np.float64), new_blocks.dense]),
        )
        texts = [before[i][0] for i in keep] + [text for text, _ in added]
        labels = [before[i][1] for i in keep] + [intent for _, intent in added]
        classifier.fit(texts, labels, blocks, warm=True, max_iter=TEACHING_ITERATIONS)
        timer.lap("fit")
        classifier.persist()
        _package(storage_dir, metadata, out)
        timer.lap("package")
    return Taught(added, removed, int(classifier.model.n_iter_[0]), timer.seconds)


def _load_classifier(storage, metadata) -> Tuple[IntentClassifierWithNearestExamples, str]:
    """The serving model's classifier and the name of its node in the prediction graph."""
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.resource import Resource

    schema = metadata.predict_schema
    node = next((name for name, item in schema.nodes.items() if item.uses is IntentClassifierWithNearestExamples), None)
    if node is None:
        raise NeedsFullTraining("the serving model has no IntentClassifierWithNearestExamples")
    item = schema.nodes[node]
    context = ExecutionContext(graph_schema=schema, model_id=metadata.model_id, is_finetuning=True)
    classifier = IntentClassifierWithNearestExamples.load(item.config, storage, Resource(item.resource.name), context)
    return classifier, node


def _featurise(texts: List[str], storage, metadata, node: str, classifier) -> multinomial.SideBySide:
    """The classifier's features of these texts, from the serving model's own pipeline."""
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.runner.dask import DaskGraphRunner

    if not texts:
        width = classifier.rows.shape[1], classifier.vectors.shape[1]
        return multinomial.SideBySide(classifier.rows[:0], np.zeros((0, width[1])))
    source = metadata.predict_schema.nodes[node].needs["messages"]
    schema = metadata.predict_schema.minimal_graph_schema([source])
    runner = DaskGraphRunner(schema, storage, ExecutionContext(graph_schema=schema, model_id=metadata.model_id))
    # As the bot reads a visitor's message: the graph's placeholder takes UserMessages.
    messages = runner.run(inputs={PLACEHOLDER_MESSAGE: [UserMessage(text) for text in texts]}, targets=[source])
    return classifier.feature_blocks(messages[source])


def _kept_rows(before: List[Example], removed: List[Example]) -> np.ndarray:
    """Indexes of the examples still there (a removed example repeated n times drops its first n)."""
    left = Counter(removed)
    keep = []
    for index, example in enumerate(before):
        if left[example]:
            left[example] -= 1
        else:
            keep.append(index)
    return np.array(keep, dtype=np.int64)


def _package(storage_dir: Path, metadata, out: Path) -> None:
    """A model archive as Rasa writes it (metadata.json and components/), with a new id and time. Fast
    compression: the weights and vectors are floats, which level 9 shrinks little more in ten times the time."""
    renewed = dataclasses.replace(metadata, trained_at=datetime.utcnow(), model_id=uuid.uuid4().hex)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=1) as tar:
        meta = storage_dir.parent / "metadata.json"
        meta.write_text(json.dumps(renewed.as_dict()))
        tar.add(meta, arcname="metadata.json")
        tar.add(storage_dir, arcname="components")
    partial.replace(out)


class _Timer:
    def __init__(self) -> None:
        self.seconds: Dict[str, float] = {}
        self._last = time.monotonic()

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.seconds[name] = round(now - self._last, 2)
        self._last = now
