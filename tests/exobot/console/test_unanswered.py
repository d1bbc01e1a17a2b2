"""exobot/console/unanswered.py: unanswered questions grouped by meaning, labels checked as `make import` does."""

import shutil

import pytest

from exobot.console.unanswered import SKIP, Encoder, group_questions, label, open_groups, open_questions
from exobot.paths import ROOT, evaluation_sets
from exobot.tools.nlu_files import read_examples, training_files
from tests.exobot.console.conftest import save, turn

UNSURE = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "ask_cost", "confidence": 0.3}]


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder()


@pytest.fixture
def nlu_dir(tmp_path):
    """A copy of the training examples."""
    shutil.copytree(ROOT / "data" / "nlu", tmp_path / "nlu")
    return tmp_path / "nlu"


def questions_of(texts):
    events = []
    for index, text in enumerate(texts):
        parse = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.4}, "intent_ranking": UNSURE}
        events.append({"text": text, "parse_data": parse, "timestamp": 1000.0 + index})
    return open_questions(events, 0.6, set())


def test_questions_alike_in_meaning_are_grouped_and_others_are_not(encoder):
    texts = [
        "how much does it cost",
        "what is the price",
        "do you sell gift cards",
        "do you have gift vouchers",
        "does it hurt",
        "is it painful",
        "can you fix my car",
    ]
    questions = questions_of(texts)

    groups = group_questions(questions, encoder.vectors([q.text for q in questions]), threshold=0.65)

    grouped = sorted(sorted(q.text for q in group.questions) for group in groups)
    assert grouped == [
        ["can you fix my car"],
        ["do you have gift vouchers", "do you sell gift cards"],
        ["does it hurt", "is it painful"],
        ["how much does it cost", "what is the price"],
    ]


def test_a_stricter_threshold_keeps_questions_apart(encoder):
    questions = questions_of(["how much does it cost", "what is the price"])
    vectors = encoder.vectors([q.text for q in questions])
    assert len(group_questions(questions, vectors, threshold=0.9)) == 2


def test_groups_say_how_often_and_when_they_were_asked_and_the_bots_best_guesses(
    store, database, now, nlu_dir, encoder
):
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "ask_cost", "confidence": 0.35}]
    for index, sender in enumerate(["a", "b", "c"]):
        save(
            store,
            sender,
            turn("how much is a session", "nlu_fallback", "action_clarify", now - 100 + index, ranking=ranking),
        )
    save(store, "d", turn("what are exosomes", "ask_what_are_exosomes", "action_answer_faq", now - 50, confidence=0.99))

    [group] = open_groups(database, encoder, now - 1000, nlu_dir, 0.6, 0.65)

    assert [q.text for q in group.questions] == ["how much is a session"]
    assert group.times_asked == 3 and abs(group.last_asked - (now - 98)) < 1
    assert group.guesses == [("ask_cost", pytest.approx(0.35))]


def test_labels_that_pass_the_checks_are_added_and_the_others_say_why(database, now, nlu_dir):
    held_out = next(example for example in read_examples(evaluation_sets()[:1]))
    known = next(example for example in read_examples(training_files(nlu_dir)) if example.intent == "ask_cost")
    choices = [
        ("will it sort out my crepey neck", "ask_skin_rejuvenation"),
        ("can I pay in instalments please", "ask_cost"),
        ("a question for a made-up topic", "ask_about_parking"),
        (known.text, "ask_cost"),
        (held_out.text, held_out.intent),
        ("zxqv blorp", SKIP),
    ]

    result = label(database, "alice", choices, nlu_dir, now)

    assert result.added == [
        ("can I pay in instalments please", "ask_cost"),
        ("will it sort out my crepey neck", "ask_skin_rejuvenation"),
    ]
    reasons = {refusal.text: refusal.reason for refusal in result.refused}
    assert "unknown intent 'ask_about_parking'" in reasons["a question for a made-up topic"]
    assert "already an example of" in reasons[known.text]
    assert "evaluation set" in reasons[held_out.text]
    assert result.skipped == ["zxqv blorp"]
    examples = {(e.text, e.intent) for e in read_examples(training_files(nlu_dir))}
    assert ("will it sort out my crepey neck", "ask_skin_rejuvenation") in examples
    assert ("a question for a made-up topic", "ask_about_parking") not in examples


def test_labelled_and_skipped_questions_leave_the_list(store, database, now, nlu_dir, encoder):
    for text in ["will it sort out my crepey neck", "zxqv blorp", "can it tighten my turkey neck"]:
        save(store, text, turn(text, "nlu_fallback", "action_clarify", now - 10, confidence=0.4, ranking=UNSURE))

    label(
        database,
        "alice",
        [("will it sort out my crepey neck", "ask_skin_rejuvenation"), ("zxqv blorp", SKIP)],
        nlu_dir,
        now,
    )

    left = [q.text for group in open_groups(database, encoder, now - 100, nlu_dir, 0.6, 0.65) for q in group.questions]
    assert left == ["can it tighten my turkey neck"]
