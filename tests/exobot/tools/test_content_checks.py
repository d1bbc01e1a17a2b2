"""exobot/tools/content_checks.py (make validate): every sentence rests on quoted source text, and reads plainly."""

import shutil
from pathlib import Path

import pytest
import yaml

from exobot.content import CONTENT_DIR
from exobot.tools.content_checks import all_problems, grade

# Statements an earlier version of the answers made that the source text does not.
UNSUPPORTED = [
    ("ask_wound_healing", "They may also calm inflammation."),
    (
        "ask_wound_healing",
        "They may also modulate inflammation and enhance tissue regeneration in the treated area, "
        "which is why they are being explored for healing after procedures.",
    ),
    (
        "ask_long_term_effects",
        "Exosomes may have long-lasting effects on skin health and rejuvenation because they can "
        "stimulate the body's own regenerative processes rather than just covering a problem up.",
    ),
    (
        "ask_clinical_evidence",
        "Early studies have shown promising results for exosomes in skin rejuvenation, wound "
        "healing, hair restoration and pigmentation.",
    ),
    ("ask_safety_risks", "More comprehensive clinical research is needed to confirm both safety and effectiveness."),
]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT_DIR, tmp_path / "content", ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return tmp_path / "content"


def change_answer(content: Path, intent: str, **fields) -> None:
    path = content / "answers.yml"
    data = yaml.safe_load(path.read_text())
    data["answers"][intent].update(fields)
    path.write_text(yaml.safe_dump(data, sort_keys=False, width=1000))


def test_the_shipped_content_passes_every_check():
    assert all_problems() == []


@pytest.mark.parametrize("intent, sentence", UNSUPPORTED, ids=[intent for intent, _ in UNSUPPORTED])
def test_a_statement_the_source_does_not_make_is_named(content, intent, sentence):
    detail = yaml.safe_load((content / "answers.yml").read_text())["answers"][intent]["detail"]
    change_answer(content, intent, detail=f"{detail} {sentence}")

    assert [problem for problem in all_problems(content) if intent in problem and sentence in problem]


def test_a_quote_that_is_not_in_the_source_is_named(content):
    change_answer(content, "ask_benefits", source=["Exosomes cure baldness in all patients."])

    assert any("source quote not found" in p and "cure baldness" in p for p in all_problems(content))


def test_a_hard_answer_is_named_with_its_grade(content):
    hard = (
        "Exosome-based regenerative interventions demonstrate considerable potential regarding "
        "dermatological rejuvenation, notwithstanding substantial methodological heterogeneity."
    )
    change_answer(content, "ask_benefits", answer=hard)

    problems = all_problems(content)
    assert f"answers.yml: ask_benefits.answer: reads at US grade {grade(hard):.1f}, at most 9" in problems


def test_a_technical_word_must_be_explained_where_it_first_appears(content):
    change_answer(content, "ask_pigmentation", answer="Exosomes may help regulate melanin production.")

    assert any('ask_pigmentation.answer: "melanin" is not explained' in p for p in all_problems(content))


def test_an_answer_may_not_open_with_yes_or_no(content):
    answer = yaml.safe_load((content / "answers.yml").read_text())["answers"]["ask_consultation"]["answer"]
    change_answer(content, "ask_consultation", answer=f"Yes. {answer}")

    assert any("ask_consultation.answer: opens with yes or no" in p for p in all_problems(content))


def test_a_country_note_must_rest_on_its_cited_text(content):
    path = content / "regulation.yml"
    data = yaml.safe_load(path.read_text())
    data["countries"]["united_states"]["note"] = "In the United States, the FDA has approved exosome serums."
    path.write_text(yaml.safe_dump(data, sort_keys=False))

    assert any("united_states.note: not supported by its cited text" in p for p in all_problems(content))


# Sentences that keep every content word of a quote but change its claim (negation, certainty, a dropped hedge).
CHANGED_CLAIMS = [
    ("ask_safety_risks", "Exosomes are not generally considered safe.", '"not"'),
    ("ask_safety_risks", "Exosomes are always safe.", '"always"'),
    ("ask_safety_risks", "Exosomes are never biocompatible.", '"never"'),
    ("ask_origin_biocompatibility", "Only stem cells are used.", '"only"'),
    ("ask_clinical_evidence", "Exosome treatments are proven.", '"proven"'),
    ("ask_long_term_effects", "Results are guaranteed to be long-lasting.", '"guaranteed"'),
    ("ask_skin_rejuvenation", "Exosomes reduce the appearance of fine lines, wrinkles and age spots.", "hedge"),
    ("ask_clinical_evidence", "Studies have shown promising results.", "hedge"),
    ("ask_hair_restoration", "This leads to thicker, healthier hair and reduced hair loss.", "hedge"),
]


@pytest.mark.parametrize("intent, sentence, named", CHANGED_CLAIMS, ids=[s for _, s, _ in CHANGED_CLAIMS])
def test_a_sentence_that_changes_its_quotes_claim_is_named(content, intent, sentence, named):
    detail = yaml.safe_load((content / "answers.yml").read_text())["answers"][intent]["detail"]
    change_answer(content, intent, detail=f"{detail} {sentence}")

    found = [problem for problem in all_problems(content) if intent in problem and sentence in problem]
    assert found and any(named in problem for problem in found), found


@pytest.mark.parametrize(
    "intent, sentence",
    [
        ("ask_safety_risks", "Exosomes are generally considered safe and biocompatible (accepted by the body)."),
        ("ask_skin_rejuvenation", "They may also help reduce the look of fine lines, wrinkles and age spots."),
        ("ask_clinical_evidence", "Early studies have shown promising results."),
        ("ask_hair_restoration", "This may lead to thicker, healthier hair and reduced hair loss."),
    ],
)
def test_a_sentence_that_keeps_its_quotes_claim_passes(content, intent, sentence):
    detail = yaml.safe_load((content / "answers.yml").read_text())["answers"][intent]["detail"]
    change_answer(content, intent, detail=f"{detail} {sentence}")

    assert [problem for problem in all_problems(content) if sentence in problem] == []
