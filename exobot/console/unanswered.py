"""What visitors asked that the bot could not answer (as `make review` finds it), grouped by meaning, and labelled.

Questions are grouped with the project's sentence encoder (all-MiniLM-L6-v2, exobot/nlu/minilm.py): taken
from the most asked down, a question joins the group whose first question's vector is the most similar to
its own, if the cosine similarity is at least Settings.similarity (0.65), or starts a group. Labels go through the
checks of `make import` (problems_with) and are added to the training data as `make import` adds them.
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence, Set, Tuple

import numpy as np
import sqlalchemy as sa

from exobot.console.database import REVIEWED, Database
from exobot.paths import evaluation_sets
from exobot.tools.import_examples import problems_with, teachable_intents
from exobot.tools.nlu_files import add_examples, examples_by_text, file_of_intent, read_examples, training_files
from exobot.tools.review import unanswered_messages

SKIP = "__skip__"
GUESSES = 3
LINE = re.compile(r"^line (\d+): ")
_writing = threading.Lock()  # one change of the training files at a time


@dataclass(frozen=True)
class Question:
    """A text visitors sent that the bot did not answer, how often and when, and the bot's best guesses."""

    text: str
    times_asked: int
    last_asked: float
    guesses: List[Tuple[str, float]]


@dataclass
class Group:
    """Questions alike in meaning."""

    questions: List[Question] = field(default_factory=list)

    @property
    def times_asked(self) -> int:
        """How often the group's questions were asked."""
        return sum(question.times_asked for question in self.questions)

    @property
    def last_asked(self) -> float:
        """When one of them was last asked."""
        return max(question.last_asked for question in self.questions)

    @property
    def guesses(self) -> List[Tuple[str, float]]:
        """The bot's best guesses for the group: confidences summed over the questions, each weighted by use."""
        totals: Dict[str, float] = defaultdict(float)
        for question in self.questions:
            for intent, confidence in question.guesses:
                totals[intent] += confidence * question.times_asked
        ranked = sorted(totals.items(), key=lambda item: -item[1])[:GUESSES]
        return [(intent, total / self.times_asked) for intent, total in ranked]


@dataclass(frozen=True)
class Refusal:
    """A label that was not added: the reason from `make import`'s checks, or a code the page explains."""

    text: str
    intent: str
    reason: str = ""
    code: str = ""


@dataclass
class LabelResult:
    """What became of the labels sent: added (text, intent), skipped texts, refusals."""

    added: List[Tuple[str, str]] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)
    refused: List[Refusal] = field(default_factory=list)


class Encoder:
    """The project's sentence encoder, loaded on first use, with the vectors of texts already seen."""

    def __init__(self) -> None:
        self._model = None
        self._vectors: Dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length vector per text."""
        with self._lock:
            new = [text for text in dict.fromkeys(texts) if text not in self._vectors]
            if new:
                if self._model is None:
                    from exobot.nlu.minilm import MiniLM

                    self._model = MiniLM()
                if len(self._vectors) > 50_000:
                    self._vectors.clear()
                self._vectors.update(zip(new, self._model.embed(new)))
            return np.array([self._vectors[text] for text in texts]).reshape(len(texts), -1)


def guesses_of(parse_data: Dict, count: int = GUESSES) -> List[Tuple[str, float]]:
    """The likeliest intents other than the fallback, with their confidences."""
    ranking = parse_data.get("intent_ranking") or [parse_data.get("intent") or {}]
    found = [(str(r["name"]), float(r.get("confidence") or 0)) for r in ranking if r.get("name")]
    return [(name, confidence) for name, confidence in found if name != "nlu_fallback"][:count]


def read_user_events(db: Database, since: float) -> List[Dict]:
    """The visitors' messages since `since`, oldest first, as Rasa stored them."""
    events = db.events
    query = (
        sa.select(events.c.data)
        .where(events.c.type_name == "user", events.c.timestamp > since)
        .order_by(events.c.timestamp)
    )
    with db.engine.connect() as connection:
        return [json.loads(data) for (data,) in connection.execute(query)]


def handled_texts(db: Database, nlu_dir: Path) -> Set[str]:
    """Texts already labelled or skipped in the console, and every training example (case-folded)."""
    with db.engine.connect() as connection:
        reviewed = {key for (key,) in connection.execute(sa.select(REVIEWED.c.text_key))}
    return reviewed | set(examples_by_text(read_examples(training_files(nlu_dir))))


def open_questions(events: Sequence[Dict], confidence: float, handled: Set[str]) -> List[Question]:
    """Unanswered questions not yet handled, most asked first."""
    latest: Dict[str, Dict] = {}
    for event in events:
        latest[(event.get("text") or "").strip().casefold()] = event.get("parse_data") or {}
    return [
        Question(item.text, item.times_asked, item.last_asked, guesses_of(latest.get(item.text.casefold(), {})))
        for item in unanswered_messages(events, confidence)
        if item.text.casefold() not in handled
    ]


def group_questions(questions: Sequence[Question], vectors: np.ndarray, threshold: float) -> List[Group]:
    """Each question (most asked first) joins the group whose first question is most similar to it, if that is
    at least `threshold` (cosine similarity), or starts a group of its own."""
    groups: List[Group] = []
    leaders: List[np.ndarray] = []
    for question, vector in zip(questions, vectors):
        similarities = [float(leader @ vector) for leader in leaders]
        best = int(np.argmax(similarities)) if similarities else -1
        if best >= 0 and similarities[best] >= threshold:
            groups[best].questions.append(question)
        else:
            groups.append(Group([question]))
            leaders.append(vector)
    return sorted(groups, key=lambda group: (-group.times_asked, -group.last_asked))


def open_groups(
    db: Database, encoder: Encoder, since: float, nlu_dir: Path, confidence: float, similarity: float
) -> List[Group]:
    """The unanswered questions since `since` that no one has handled, grouped by meaning."""
    questions = open_questions(read_user_events(db, since), confidence, handled_texts(db, nlu_dir))
    if not questions:
        return []
    return group_questions(questions, encoder.vectors([question.text for question in questions]), similarity)


def label(
    db: Database, staff: str, choices: Sequence[Tuple[str, str]], nlu_dir: Path, now: float, evaluation=None
) -> LabelResult:
    """Add each (text, intent) as a training example if it passes `make import`'s checks; record skips."""
    result = LabelResult()
    labelled = [(text.strip(), intent) for text, intent in choices if intent and intent != SKIP and text.strip()]
    result.skipped = [text.strip() for text, intent in choices if intent == SKIP and text.strip()]
    with _writing:
        refusals = _refusals(labelled, nlu_dir, evaluation_sets() if evaluation is None else evaluation)
        accepted = [(text, intent) for index, (text, intent) in enumerate(labelled) if index not in refusals]
        result.refused = [Refusal(*labelled[index], reason=reason) for index, reason in sorted(refusals.items())]
        result.added, unfiled = _add(accepted, nlu_dir)
        result.refused += unfiled
        _remember(db, staff, result.added + [(text, SKIP) for text in result.skipped], now)
    return result


def _refusals(labelled: Sequence[Tuple[str, str]], nlu_dir: Path, evaluation) -> Dict[int, str]:
    """The reason each refused label (by its index) fails `make import`'s checks."""
    rows = [(index + 1, text, intent) for index, (text, intent) in enumerate(labelled)]
    refusals: Dict[int, str] = {}
    for problem in problems_with(rows, teachable_intents(), nlu_dir, evaluation):
        match = LINE.match(problem)
        if match:
            refusals.setdefault(int(match.group(1)) - 1, problem[match.end() :])
    return refusals


def _add(accepted: Sequence[Tuple[str, str]], nlu_dir: Path) -> Tuple[List[Tuple[str, str]], List[Refusal]]:
    """Add the examples to their intents' files; (added, refused for want of a file)."""
    by_intent: Dict[str, List[str]] = defaultdict(list)
    for text, intent in accepted:
        by_intent[intent].append(text)
    added: List[Tuple[str, str]] = []
    refused: List[Refusal] = []
    for intent, texts in sorted(by_intent.items()):
        try:
            path = file_of_intent(intent, nlu_dir)
        except KeyError:
            refused += [Refusal(text, intent, code="no_file") for text in texts]
            continue
        add_examples(path, intent, texts)
        added += [(text, intent) for text in texts]
    return added, refused


def _remember(db: Database, staff: str, decisions: Sequence[Tuple[str, str]], now: float) -> None:
    """Record who labelled or skipped each text, so it leaves the list."""
    with db.engine.begin() as connection:
        for text, decision in decisions:
            key = text.casefold()
            connection.execute(REVIEWED.delete().where(REVIEWED.c.text_key == key))
            connection.execute(
                REVIEWED.insert().values(
                    text_key=key, text=text, decision="skip" if decision == SKIP else decision, staff_name=staff, at=now
                )
            )


def teachable() -> List[str]:
    """The intents a question may be labelled with, sorted."""
    return sorted(teachable_intents())
