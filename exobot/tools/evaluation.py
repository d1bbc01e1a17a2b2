"""Score a trained model on a held-out NLU file as the bot answers visitors, fallback included.

`rasa test nlu` undoes FallbackClassifier predictions before scoring; visitors do get
them. Here a message labelled `out_of_scope` counts as recognised when the model says
`out_of_scope` or `nlu_fallback`, and an in-scope message that falls back counts as missed.
"""

import asyncio
import csv
import logging
import os
from pathlib import Path
from typing import Dict, List, Tuple

from exobot.tools.nlu_files import examples_by_intent

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

OUT_OF_SCOPE = {"out_of_scope", "nlu_fallback"}


def load_examples(path: Path) -> List[Tuple[str, str]]:
    return [(text, intent) for intent, texts in examples_by_intent([path]).items() for text in texts]


async def parse_all(model: Path, texts: List[str], batch: int = 64) -> List[dict]:
    """The model's parse of each text, as `/model/parse` returns it (intent, ranking, entities).

    The messages go through the model's prediction graph `batch` at a time, as Rasa's MessageProcessor runs
    it for one message (each component handles each message of a list on its own, so the parses are the
    same): Rasa's per-message work around the graph took more time than the graph itself."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.disable(logging.WARNING)
    processor = Agent.load(str(model)).processor
    target = processor.model_metadata.nlu_target
    parsed = []
    for start in range(0, len(texts), batch):
        messages = [UserMessage(text, sender_id="evaluation") for text in texts[start : start + batch]]
        tracker = DialogueStateTracker.from_events("evaluation", [])
        results = processor.graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: messages, PLACEHOLDER_TRACKER: tracker}, targets=[target]
        )
        for message in results[target]:
            parse = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, ENTITIES: []}
            parse.update(message.as_dict(only_output_properties=True))
            parsed.append(parse)
    return parsed


def top_intents(parsed: List[dict]) -> List[Tuple[str, float]]:
    return [(p["intent"]["name"], float(p["intent"]["confidence"])) for p in parsed]


def raw_rankings(parsed: List[dict]) -> List[List[Tuple[str, float]]]:
    """Each message's intent ranking without the FallbackClassifier's entry (for threshold sweeps)."""
    return [
        [(r["name"], float(r["confidence"])) for r in p.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
        for p in parsed
    ]


def is_correct(label: str, predicted: str) -> bool:
    if label == "out_of_scope":
        return predicted in OUT_OF_SCOPE
    return predicted == label


def as_labels(predictions: List[Tuple[str, float]]) -> List[str]:
    """Predicted intents, with `nlu_fallback` counted as `out_of_scope`."""
    return ["out_of_scope" if name in OUT_OF_SCOPE else name for name, _ in predictions]


def score(examples: List[Tuple[str, str]], predictions: List[Tuple[str, float]]) -> Dict[str, float]:
    from sklearn.metrics import f1_score

    labels = [label for _, label in examples]
    predicted = as_labels(predictions)
    in_scope = [(label, guess) for label, guess in zip(labels, predicted) if label != "out_of_scope"]
    out_scope = [guess for label, guess in zip(labels, predicted) if label == "out_of_scope"]
    fallbacks = [name == "nlu_fallback" for (name, _), label in zip(predictions, labels) if label != "out_of_scope"]
    return {
        "examples": len(examples),
        "accuracy": sum(is_correct(label, guess) for label, guess in zip(labels, predicted)) / len(labels),
        "in_scope_accuracy": sum(label == guess for label, guess in in_scope) / max(len(in_scope), 1),
        "out_of_scope_recall": sum(guess == "out_of_scope" for guess in out_scope) / max(len(out_scope), 1),
        "in_scope_fallback_rate": sum(fallbacks) / max(len(in_scope), 1),
        "macro_f1": f1_score(labels, predicted, average="macro", zero_division=0),
    }


def per_intent_report(examples, predictions) -> Dict[str, Dict[str, float]]:
    """Precision, recall and F1 per intent (`nlu_fallback` counted as `out_of_scope`)."""
    from sklearn.metrics import classification_report

    labels = [label for _, label in examples]
    return classification_report(labels, as_labels(predictions), output_dict=True, zero_division=0)


def write_misclassified(path: Path, examples, predictions) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "intent", "predicted", "confidence"])
        for (text, label), (name, confidence) in zip(examples, predictions):
            if not is_correct(label, name):
                writer.writerow([text, label, name, f"{confidence:.3f}"])


def evaluate_model(model: Path, nlu: Path) -> Tuple[Dict[str, float], Dict[str, Dict[str, float]]]:
    """The model's summary metrics and per-intent report on the examples in `nlu`."""
    examples = load_examples(nlu)
    predictions = top_intents(asyncio.run(parse_all(model, [text for text, _ in examples])))
    return score(examples, predictions), per_intent_report(examples, predictions)


def wrong_topic_rate(examples: List[Tuple[str, str]], parsed: List[dict]) -> float:
    """Share of in-scope messages answered with another topic (a "Did you mean ...?" is not an answer)."""
    in_scope = [(label, p["intent"]["name"]) for (_, label), p in zip(examples, parsed) if label != "out_of_scope"]
    wrong = [1 for label, got in in_scope if got not in (label, "nlu_fallback", "out_of_scope")]
    return len(wrong) / max(len(in_scope), 1)


def exosome_answer_rate(examples: List[Tuple[str, str]], parsed: List[dict]) -> float:
    """Share of out-of-scope messages given one of the curated exosome answers (a handoff or "can't help" is not)."""
    from exobot.content import get_content

    answers = set(get_content().answers)
    out_of_scope = [p["intent"]["name"] for (_, label), p in zip(examples, parsed) if label == "out_of_scope"]
    return sum(name in answers for name in out_of_scope) / max(len(out_of_scope), 1)


def serving_scores(examples: List[Tuple[str, str]], parsed: List[dict]) -> Dict[str, float]:
    """Every score of a set, as visitors get the answers: score() plus the wrong-topic, clarification and
    exosome-answer rates."""
    summary = score(examples, top_intents(parsed))
    summary.update(
        wrong_topic_rate=wrong_topic_rate(examples, parsed),
        clarification_hit_rate=clarification_hit_rate(examples, parsed),
        exosome_answer_rate=exosome_answer_rate(examples, parsed),
    )
    return summary


def clarification_hit_rate(examples: List[Tuple[str, str]], parsed: List[dict]) -> float:
    """Of the messages of a topic "Did you mean ...?" can offer (not greetings and the like) that got it, the share
    whose right topic was among the choices."""
    from exobot.content import get_content

    content = get_content()
    offerable = set(content.answers) | set(content.messages["handoff"]) | {"report_adverse_reaction"}
    asked = [
        (label, p)
        for (_, label), p in zip(examples, parsed)
        if label in offerable and p["intent"]["name"] == "nlu_fallback"
    ]
    hits = sum(label in content.clarification_choices(p.get("intent_ranking", [])) for label, p in asked)
    return hits / len(asked) if asked else 1.0
