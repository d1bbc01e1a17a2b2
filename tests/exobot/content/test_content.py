import os
import re
import shutil
import time
from pathlib import Path

import pytest
import yaml

from exobot.content import CONTENT_DIR, ContentError, load_content
from exobot.paths import DOMAIN_FILE

CONTENT = load_content()
DOMAIN = yaml.safe_load(DOMAIN_FILE.read_text())

# The topics the source text answers (the intent contract, first table).
DOCUMENT_TOPICS = [
    "ask_what_are_exosomes",
    "ask_how_exosomes_work",
    "ask_skin_rejuvenation",
    "ask_wound_healing",
    "ask_hair_restoration",
    "ask_pigmentation",
    "ask_treatment_methods",
    "ask_benefits",
    "ask_non_invasive",
    "ask_origin_biocompatibility",
    "ask_long_term_effects",
    "ask_safety_risks",
    "ask_regulation",
    "ask_standardization",
    "ask_clinical_evidence",
    "ask_consultation",
]
OVERCLAIMS = ["guaranteed results", "100%", "is proven", "are proven", "fda approved", "permanent results", "cures"]


@pytest.mark.parametrize("intent", DOCUMENT_TOPICS)
def test_every_document_topic_has_a_sourced_answer(intent):
    answer = CONTENT.answers[intent]
    assert answer.quotes and answer.clinic_statement is None
    assert len(answer.text) > 100


def test_only_contract_intents_have_answers():
    assert set(CONTENT.answers) == set(DOCUMENT_TOPICS) | {"ask_procedure_details"}
    assert set(CONTENT.answers) <= set(DOMAIN["intents"])


@pytest.mark.parametrize("intent", sorted(CONTENT.answers))
def test_answers_claim_no_more_than_the_source(intent):
    for text in (CONTENT.answers[intent].text.lower(), CONTENT.answers[intent].detail.lower()):
        assert not [claim for claim in OVERCLAIMS if claim in text]


@pytest.mark.parametrize(
    "intent", ["ask_clinical_evidence", "ask_safety_risks", "ask_long_term_effects", "ask_regulation"]
)
def test_uncertain_topics_keep_the_source_hedging(intent):
    text = CONTENT.answers[intent].text.lower()
    assert re.search(r"\bmay\b|more .*research|not yet|limited|still", text)


def test_disclaimer_advises_a_professional():
    assert "qualified" in CONTENT.disclaimer
    assert "not medical advice" in CONTENT.disclaimer


def test_every_button_payload_names_a_real_intent():
    payloads = [b["payload"] for a in CONTENT.answers.values() for b in CONTENT.buttons(a.follow_ups)]
    payloads += [b["payload"] for b in CONTENT.buttons(CONTENT.messages["topic_menu"])]
    for variants in DOMAIN["responses"].values():
        payloads += [b["payload"] for variant in variants for b in variant.get("buttons", [])]
    assert payloads
    assert {p.lstrip("/") for p in payloads} <= set(DOMAIN["intents"])


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    return tmp_path / "content"


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new, 1))


def test_a_follow_up_to_an_unknown_topic_is_refused(content_copy):
    _edit(content_copy / "answers.yml", "ask_how_exosomes_work, ask_benefits", "ask_how_exosome_work, ask_benefits")

    with pytest.raises(ContentError, match="ask_how_exosome_work"):
        load_content(content_copy)


def test_an_unknown_placeholder_is_refused(content_copy):
    _edit(content_copy / "messages.yml", "{name} on {phone}", "{name} on {telephone}")

    with pytest.raises(ContentError, match="messages.yml.*telephone"):
        load_content(content_copy)


@pytest.mark.parametrize(
    "old, new, named",
    [
        ("  comment: What were you looking for? (optional)\n", "", "feedback.comment"),
        ('  helpful: "Yes"', '  helpful: ""', "feedback.helpful"),
        ("feedback:\n  question:", "feedback_words:\n  question:", "feedback must list"),
    ],
)
def test_a_missing_word_under_answers_is_refused(content_copy, old, new, named):
    assert old in (content_copy / "messages.yml").read_text()
    _edit(content_copy / "messages.yml", old, new)

    with pytest.raises(ContentError, match=f"messages.yml: {named}"):
        load_content(content_copy)


def test_a_missing_clinic_detail_is_refused(content_copy):
    _edit(content_copy / "clinic.yml", 'phone: "+44 20 0000 0000"', "phone:")

    with pytest.raises(ContentError, match="clinic.yml: phone"):
        load_content(content_copy)


def test_broken_yaml_names_the_file(content_copy):
    (content_copy / "disclaimer.yml").write_text("disclaimer: [unclosed\n")

    with pytest.raises(ContentError, match="disclaimer.yml: not valid YAML"):
        load_content(content_copy)


def test_an_empty_answer_is_refused(content_copy):
    data = yaml.safe_load((content_copy / "answers.yml").read_text())
    data["answers"]["ask_benefits"]["answer"] = "  "
    (content_copy / "answers.yml").write_text(yaml.safe_dump(data))

    with pytest.raises(ContentError, match="answers.ask_benefits.answer"):
        load_content(content_copy)


@pytest.mark.parametrize("key", ["out_of_scope", "clarify", "clarify_failed", "unavailable", "empty_message"])
def test_every_reply_that_answers_nothing_ends_with_the_safety_line(key):
    said = CONTENT.say(key)
    assert said.startswith(CONTENT.with_clinic(CONTENT.messages[key]))
    assert said.endswith(
        "\nProblem after a treatment? Contact the clinic that treated you now; in an emergency, call "
        "your local emergency number."
    )


def test_rasas_default_reply_ends_with_the_safety_line():
    """utter_default (Rasa's own fallback, and what a failed session start gives) answers nothing either."""
    default = " ".join(DOMAIN["responses"]["utter_default"][0]["text"].split())
    assert default.endswith(" ".join(CONTENT.messages["safety_line"].split()))


def test_every_urgent_advice_in_an_answer_gives_the_emergency_clause():
    for answer in CONTENT.answers.values():
        for text in (answer.text, answer.detail):
            if "contact the clinic that treated you" in text:
                assert "emergency" in text, answer.intent


def test_the_urgent_care_reply_does_not_assume_this_clinic_treated_the_visitor():
    said = CONTENT.say("urgent_care")
    assert f"the clinic that treated you now (or us, on {CONTENT.clinic['phone']})" in said
    assert "emergency number" in said


def test_an_edit_is_served_without_a_restart_and_a_broken_edit_keeps_the_last_good_content(tmp_path, monkeypatch):
    import exobot.content as content_module

    shutil.copytree(CONTENT_DIR, tmp_path / "content", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setattr(content_module, "CONTENT_DIR", tmp_path / "content")
    monkeypatch.setattr(content_module, "_loaded", {"signature": None, "content": None})
    monkeypatch.setattr(content_module, "load_content", lambda directory=None: load_content(tmp_path / "content"))
    disclaimer = tmp_path / "content" / "disclaimer.yml"

    assert content_module.get_content().disclaimer == CONTENT.disclaimer
    disclaimer.write_text("disclaimer: General information only, not medical advice; see a qualified professional.\n")
    os.utime(disclaimer, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert content_module.get_content().disclaimer.startswith("General information only")
    disclaimer.write_text("disclaimer: [unclosed\n")
    os.utime(disclaimer, ns=(time.time_ns() + 2 * 10**9, time.time_ns() + 2 * 10**9))
    assert content_module.get_content().disclaimer.startswith("General information only")
