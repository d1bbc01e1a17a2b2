"""Checks of what the bot says, run by `make validate` and the test suite, so staff edits are checked too.

    python -m exobot.tools.content_checks        (or: make validate)

- Faithful: every quote in an answer's `source:` is in the source text (exobot/content/source/), and
  every sentence of the answer and its detail rests on those quotes: at least 90 % of its content
  words (lemmas, after leaving out common words) are in the quotes, in a plain word the reviewed file
  allows for a word of the quotes, or in the explanation of a technical word of the sentence. A
  sentence may instead be one of the reviewed clinic-advice sentences. Country notes are checked the
  same way against their cited text. Answers the source is silent on carry a `clinic_statement:`.
- Claims kept as the source makes them: a word that changes a claim ("not", "never", "always", "only",
  "all", "proven", "safe", "can", "may", ...) must stand in a quote the sentence rests on (a quote
  sharing at least two of its content words, or its closest quote), and a sentence whose closest quote
  hedges ("may", "can", "potential", "early studies") must hedge too.
- Plain: a short answer has at most 60 words and a US school grade of at most 9 (Flesch-Kincaid,
  textstat 0.7.3, syllables counted offline by pyphen), a detail at most grade 10; a technical word
  is explained the first time it appears in an answer or detail; no answer opens with "Yes" or "No".
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Set, Text

import yaml

from exobot.content import CONTENT_DIR, Content, ContentError, load_content
from exobot.paths import ROOT

SOURCE_FILE = CONTENT_DIR / "source" / "exosomes.txt"
REVIEWED_FILE = CONTENT_DIR / "reviewed.yml"
REGULATION_FILE = CONTENT_DIR / "regulation.yml"
SPACY_PIPELINE = ROOT / ".spacy" / "en_exosome"
MINIMUM_COVERAGE = 0.9
MAXIMUM_ANSWER_WORDS = 60
MAXIMUM_ANSWER_GRADE = 9.0
MAXIMUM_DETAIL_GRADE = 10.0
YES_OR_NO = re.compile(r"^\s*(yes|no|not)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
# Words that change what a sentence claims, each under the forms it may take.
CLAIM_WORDS = {
    "not": {"not", "n't", "cannot", "unproven", "nothing", "none"},
    "no": {"no"},
    "never": {"never"},
    "without": {"without"},
    "always": {"always"},
    "only": {"only"},
    "all": {"all", "every", "everyone", "everybody"},
    "proven": {"proven", "prove", "proves", "proved", "proof", "unproven"},
    "guaranteed": {"guaranteed", "guarantee", "guarantees"},
    "safe": {"safe", "safer", "safest"},
    "can": {"can", "cannot"},
    "may": {"may"},
    "might": {"might"},
    "could": {"could"},
    "some": {"some"},
}
# A quote's hedge carries a sentence's weaker hedge: "potentially reducing" lets a sentence say "may reduce".
HEDGE_CARRIERS = {
    "may": {"may", "might", "could", "can", "potential", "potentially"},
    "might": {"may", "might", "could", "can", "potential", "potentially"},
    "could": {"may", "might", "could", "can", "potential", "potentially"},
    "can": {"can", "could"},
}
# Hedges of the source, and what counts as keeping one in a sentence.
HEDGES = {"may", "might", "can", "could", "potential", "potentially", "early"}
SENTENCE_HEDGES = HEDGES | {"studied", "ongoing", "possible", "possibly"}
# Words every quote shares, which tell nothing about which quote a sentence rests on.
TOPIC_WORDS = {"exosome", "exosomes", "exosom", "treatment", "treatments", "treat", "based"}
# Words between a hedge and the claim it hedges ("may also help reduce": the claim is "reduce").
HEDGE_FILLERS = {"also", "be", "have", "has", "been", "help", "helps", "in", "not", "the", "a", "an", "to", "still"}


@dataclass(frozen=True)
class Reviewed:
    """exobot/content/reviewed.yml: what the clinic has approved beyond the source text's own words."""

    clinic_advice: Set[Text]
    plain_words: Dict[Text, Set[Text]]  # a word of the source: plain words that may stand for it
    explanations: Dict[Text, Text]  # a technical word: the plain explanation given where it first appears
    common_words: Set[Text]  # words that carry no claim ("may", "ask", "you")


def _normal(text: Text) -> Text:
    return " ".join(text.split())


def load_reviewed(path: Path = REVIEWED_FILE) -> Reviewed:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Reviewed(
        clinic_advice={_normal(sentence) for sentence in data.get("clinic_advice") or []},
        plain_words={source: set(plain) for source, plain in (data.get("plain_words") or {}).items()},
        explanations={word.lower(): _normal(text) for word, text in (data.get("explanations") or {}).items()},
        common_words=set((data.get("common_words") or "").split()),
    )


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    return spacy.load(SPACY_PIPELINE)


SUFFIXES = ("iveness", "ness", "ation", "ities", "ity", "ive", "ment", "ion", "ly", "ty", "ed", "ing", "es", "s", "e")


def stem(word: Text) -> Text:
    """A crude stem, so that "safe" and "safety", "effective" and "effectiveness" count as one word."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_lemmas(text: Text, common: Set[Text]) -> List[Text]:
    """The lemmas of the words that carry meaning: no punctuation, numbers, stop words or common words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    lemmas = []
    for token in _nlp()(text.lower()):
        lemma = (token.lemma_ or token.text).lower()
        if token.is_alpha and token.text not in STOP_WORDS and lemma not in STOP_WORDS and lemma not in common:
            lemmas.append(lemma)
    return lemmas


def word_forms(text: Text, common: Set[Text]) -> Set[Text]:
    """Every form a word of the text may be matched by: as written, its lemma, and their stems."""
    forms = set(content_lemmas(text, common)) | {word for word in re.findall(r"[a-z]+", text.lower())}
    return forms | {stem(form) for form in forms}


def sentences(text: Text) -> List[Text]:
    return [part.strip() for part in SENTENCE_END.split(_normal(text)) if part.strip()]


def supported_words(quotes: Iterable[Text], sentence: Text, reviewed: Reviewed) -> Set[Text]:
    """Lemmas a sentence may use: the quotes', their allowed plain words, explanations of its technical words."""
    allowed = word_forms(" ".join(quotes), reviewed.common_words)
    for source_word, plain in reviewed.plain_words.items():
        if source_word in allowed:
            allowed |= word_forms(" ".join(plain), set())
    for word, explanation in reviewed.explanations.items():
        if word in sentence.lower():
            allowed |= word_forms(explanation, set())
    return allowed


def unsupported(sentence: Text, quotes: List[Text], reviewed: Reviewed) -> List[Text]:
    """The content words of a sentence its quotes do not support; empty when it rests on them."""
    if _normal(sentence) in reviewed.clinic_advice:
        return []
    from spacy.lang.en.stop_words import STOP_WORDS

    allowed = supported_words(quotes, sentence, reviewed)
    words = [t.text for t in _nlp()(sentence.lower()) if t.is_alpha and t.text not in STOP_WORDS]
    words = [
        word for word in words if word not in reviewed.common_words and content_lemmas(word, reviewed.common_words)
    ]
    missing = [word for word in words if not word_forms(word, set()) & allowed]
    if words and 1 - len(missing) / len(words) >= MINIMUM_COVERAGE:
        return []
    return missing


def words_of(text: Text) -> List[Text]:
    return re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower().replace("\u2019", "'"))


def claim_words(text: Text) -> Set[Text]:
    """The claim-changing words of a text ("not" for "isn't" and "cannot")."""
    words = words_of(text)
    forms = set(words) | {"n't" for word in words if word.endswith("n't")}
    return {claim for claim, variants in CLAIM_WORDS.items() if variants & forms}


def meaning_forms(text: Text, reviewed: Reviewed) -> Set[Text]:
    """A text's word forms, with the source word behind each plain word it uses ("renewal" -> rejuvenation)."""
    forms = word_forms(text, reviewed.common_words)
    for source_word, plain in reviewed.plain_words.items():
        if any(word_forms(word, set()) <= forms for word in plain):
            forms |= word_forms(source_word, set())
    return forms


def resting_quotes(sentence: Text, quotes: List[Text], reviewed: Reviewed) -> List[Text]:
    """The quotes a sentence rests on, closest first: those sharing most of its words (the topic's own left out)."""
    own = meaning_forms(sentence, reviewed) - TOPIC_WORDS
    shared = sorted(((len(own & meaning_forms(quote, reviewed)), quote) for quote in quotes), key=lambda pair: -pair[0])
    if not shared:
        return []
    enough = max(2, 0.6 * shared[0][0])
    return [quote for count, quote in shared if count >= enough] or [shared[0][1]]


def hedged_claims(quote: Text) -> List[Text]:
    """The word each hedge of a quote governs: "can promote" -> promote, "may also help reduce" -> reduce."""
    words = words_of(quote)
    claims = []
    for position, word in enumerate(words):
        if word in HEDGES:
            following = [later for later in words[position + 1 :] if later not in HEDGE_FILLERS]
            claims += following[:1]
    return claims


def claim_problems(sentence: Text, quotes: List[Text], reviewed: Reviewed) -> List[Text]:
    """A claim word that no quote the sentence rests on carries, or a hedged claim of a quote made firm."""
    if _normal(sentence) in reviewed.clinic_advice or not quotes:
        return []
    resting = resting_quotes(sentence, quotes, reviewed)
    carried = set().union(*(claim_words(quote) | set(words_of(quote)) for quote in resting))
    problems = [
        f'"{word}" is in no quote it rests on'
        for word in sorted(claim_words(sentence))
        if word not in carried and not HEDGE_CARRIERS.get(word, set()) & carried
    ]
    if set(words_of(sentence)) & SENTENCE_HEDGES:
        return problems
    closest = resting[0]  # the hedge that matters is the one of the quote the sentence most rests on
    own = word_forms(sentence, set())
    for claim in hedged_claims(closest):
        lemma = (content_lemmas(claim, set()) or [claim])[0]
        if own & (word_forms(claim, set()) | word_forms(" ".join(reviewed.plain_words.get(lemma, [])), set())):
            problems.append(f'drops the hedge of its quote on "{claim}" ("{closest}")')
    return problems


def faithfulness_problems(
    content: Content, source: Text, reviewed: Reviewed, regulation: Path = REGULATION_FILE
) -> List[Text]:
    problems = []
    flat_source = _normal(source)
    for answer in content.answers.values():
        where = f"answers.yml: {answer.intent}"
        problems += [
            f'{where}: source quote not found in the source text: "{quote}"'
            for quote in answer.quotes
            if quote not in flat_source
        ]
        if not answer.quotes:
            continue  # a clinic statement: reviewed by the clinic, not drawn from the source text
        for part, text in (("answer", answer.text), ("detail", answer.detail)):
            for sentence in sentences(text):
                missing = unsupported(sentence, answer.quotes, reviewed)
                if missing:
                    problems.append(f'{where}.{part}: not supported by its quotes ({", ".join(missing)}): "{sentence}"')
                problems += [
                    f'{where}.{part}: {problem}: "{sentence}"'
                    for problem in claim_problems(sentence, answer.quotes, reviewed)
                ]
    return problems + regulation_problems(reviewed, regulation)


def regulation_problems(reviewed: Reviewed, path: Path = REGULATION_FILE) -> List[Text]:
    """Each country's note rests on the quotes of its cited source, which names title, date and address."""
    problems = []
    for country, entry in (yaml.safe_load(path.read_text(encoding="utf-8")).get("countries") or {}).items():
        where = f"regulation.yml: {country}"
        cited = entry.get("source") or {}
        problems += [
            f"{where}.source: needs {field}" for field in ("title", "date", "url", "quotes") if not cited.get(field)
        ]
        # the note may name its country, its source and the source's date besides what the source says
        framing = [str(entry.get("name") or ""), str(cited.get("title") or ""), _month_and_year(cited.get("date"))]
        for sentence in sentences(entry.get("note") or ""):
            quotes = [*(cited.get("quotes") or []), *framing]
            missing = unsupported(sentence, quotes, reviewed)
            if missing:
                problems.append(f'{where}.note: not supported by its cited text ({", ".join(missing)}): "{sentence}"')
            problems += [
                f'{where}.note: {problem}: "{sentence}"' for problem in claim_problems(sentence, quotes, reviewed)
            ]
    return problems


def _month_and_year(value: object) -> Text:
    """'December 2019' for the date 2019-12-06 (YAML reads it as a date)."""
    return value.strftime("%B %Y") if hasattr(value, "strftime") else str(value or "")


def grade(text: Text) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(text))


def plain_language_problems(content: Content, reviewed: Reviewed) -> List[Text]:
    problems = []
    for answer in content.answers.values():
        where = f"answers.yml: {answer.intent}"
        words = len(answer.text.split())
        if words > MAXIMUM_ANSWER_WORDS:
            problems.append(f"{where}.answer: {words} words, at most {MAXIMUM_ANSWER_WORDS}")
        for part, text, limit in (
            ("answer", answer.text, MAXIMUM_ANSWER_GRADE),
            ("detail", answer.detail, MAXIMUM_DETAIL_GRADE),
        ):
            if grade(text) > limit:
                problems.append(f"{where}.{part}: reads at US grade {grade(text):.1f}, at most {limit:.0f}")
            problems += [f"{where}.{part}: {problem}" for problem in unexplained(text, reviewed)]
        if YES_OR_NO.match(answer.text):
            problems.append(f"{where}.answer: opens with yes or no; answer in a way that fits every phrasing")
    return problems


def unexplained(text: Text, reviewed: Reviewed) -> List[Text]:
    """Technical words whose first sentence does not carry their plain explanation."""
    problems = []
    for word, explanation in reviewed.explanations.items():
        first = next((s for s in sentences(text) if re.search(rf"\b{re.escape(word)}", s, re.IGNORECASE)), None)
        if first is not None and explanation.lower() not in first.lower():
            problems.append(f'"{word}" is not explained where it first appears (add "{explanation}")')
    return problems


def all_problems(directory: Path = CONTENT_DIR) -> List[Text]:
    try:
        content = load_content(directory)
    except ContentError as error:
        return [str(error)]
    reviewed = load_reviewed(directory / "reviewed.yml")
    source = (directory / "source" / "exosomes.txt").read_text(encoding="utf-8")
    regulation = directory / "regulation.yml"
    return faithfulness_problems(content, source, reviewed, regulation) + plain_language_problems(content, reviewed)


def main() -> int:
    problems = all_problems()
    for problem in problems:
        print(f"error: {problem}")
    print(f"==> content files: {len(problems)} problem(s)" if problems else "==> content files: OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
