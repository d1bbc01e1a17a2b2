"""exobot/tools/evaluation.py: the scores of a set as visitors get the answers, fallback included."""

from exobot.tools.evaluation import serving_scores


def parse(intent: str, *ranking: str) -> dict:
    names = [intent, *ranking]
    return {
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": name, "confidence": 0.9 - 0.1 * i} for i, name in enumerate(names)],
    }


EXAMPLES = [
    ("what are exosomes", "ask_what_are_exosomes"),
    ("are they safe", "ask_safety_risks"),
    ("how much", "ask_cost"),
    ("book a table for two", "out_of_scope"),
    ("is it safe to fly", "out_of_scope"),
    ("what's the weather", "out_of_scope"),
    ("play a song", "out_of_scope"),
]


def test_every_kind_of_miss_is_counted_where_it_belongs():
    parsed = [
        parse("ask_what_are_exosomes"),  # right
        parse("ask_benefits"),  # a wrong topic
        parse("nlu_fallback", "ask_cost", "ask_clinic_info"),  # "Did you mean", right topic offered
        parse("book_appointment"),  # out of scope given a handoff: not an exosome answer
        parse("ask_safety_risks"),  # out of scope given an exosome answer
        parse("out_of_scope"),
        parse("nlu_fallback", "out_of_scope"),
    ]
    scores = serving_scores(EXAMPLES, parsed)
    assert scores["in_scope_accuracy"] == 1 / 3
    assert scores["wrong_topic_rate"] == 1 / 3
    assert scores["clarification_hit_rate"] == 1.0
    assert scores["out_of_scope_recall"] == 2 / 4
    assert scores["exosome_answer_rate"] == 1 / 4


def test_a_set_without_out_of_scope_messages_has_no_exosome_answers_to_them():
    scores = serving_scores(EXAMPLES[:1], [parse("ask_what_are_exosomes")])
    assert scores["exosome_answer_rate"] == 0.0
    assert scores["in_scope_accuracy"] == 1.0
