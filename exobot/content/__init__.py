"""Load and check the content files that clinic staff edit (exobot/content/*.yml)."""

import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import yaml

logger = logging.getLogger(__name__)
CONTENT_DIR = Path(__file__).parent
# Lists of topics offered as buttons: when the bot cannot answer, in the welcome, and for "what can you do?".
# Replies that answer nothing: each ends with the safety line, so a misread report of a problem still
# tells the visitor what to do.
NON_ANSWERS = (
    "out_of_scope",
    "clarify",
    "clarify_failed",
    "unavailable",
    "empty_message",
    "too_many_messages",
    "other_treatment",
    "instructions",
    "other_language_english",
)
REPORT_INTENT = "report_adverse_reaction"
MAX_CHOICES = 3  # topics offered by "Did you mean ...?"
TOPIC_MENUS = ("topic_menu", "welcome_topics", "capability_topics", "area_topics")
CLINIC_FIELDS = ("name", "phone", "email", "address", "opening_hours", "booking_url")
# The widget's words under each answer ("Was this helpful?"), in messages.yml's `feedback`.
FEEDBACK_TEXTS = ("question", "helpful", "not_helpful", "comment", "send", "thanks", "comment_thanks", "failed")


class ContentError(ValueError):
    """A content file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Answer:
    intent: Text
    title: Text
    quotes: List[Text]  # verbatim from the source text: every sentence of the answer must rest on them
    clinic_statement: Optional[Text]  # or: the clinic's own reviewed statement, where the source text is silent
    text: Text
    detail: Text
    follow_ups: List[Text]
    notes: List[Text] = field(default_factory=list)  # cited country notes (regulation.yml), sent after it


@dataclass(frozen=True)
class Content:
    answers: Dict[Text, Answer]
    disclaimer: Text
    clinic: Dict[Text, Text]
    messages: Dict[Text, Any]

    def title_of(self, intent: Text) -> Text:
        """The button title offered for an intent."""
        if intent in self.answers:
            return self.answers[intent].title
        return self.messages["button_titles"][intent]

    def buttons(self, intents: List[Text]) -> List[Dict[Text, Text]]:
        """Quick-reply buttons that ask about each intent."""
        return [{"title": self.title_of(intent), "payload": f"/{intent}"} for intent in intents]

    def with_clinic(self, template: Text) -> Text:
        """Fill the clinic's details into a message template."""
        return template.format(**self.clinic)

    def clarification_choices(self, ranking: List[Dict[Text, Any]]) -> List[Text]:
        """The topics "Did you mean ...?" offers for an intent ranking: the likeliest the bot can answer, best
        first, at most three; a possible report of a problem after a treatment always first."""
        answerable = set(self.answers) | set(self.messages["handoff"]) | {REPORT_INTENT}
        names = [r["name"] for r in ranking if r.get("name") in answerable and r.get("confidence", 0) >= 0.05]
        names = names[:MAX_CHOICES]
        if REPORT_INTENT in names:
            names.remove(REPORT_INTENT)
            names.insert(0, REPORT_INTENT)
        return names

    def in_language(self, language: Text, key: Text) -> Optional[Text]:
        """A message in another language (`reply` or `urgent_care`), clinic details filled in; None if there is none."""
        template = (self.messages.get("other_languages") or {}).get(language, {}).get(key)
        return self.with_clinic(template) if template else None

    def say(self, key: Text) -> Text:
        """A message as the visitor gets it: clinic details filled in, and the safety line after a non-answer."""
        text = self.with_clinic(self.messages[key])
        if key in NON_ANSWERS:
            text += "\n" + self.with_clinic(self.messages["safety_line"])
        return text


def _read_yaml(path: Path) -> Dict[Text, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping of keys to values")
    return data


def _text(value: Any, where: Text) -> Text:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: must be a non-empty text")
    return value.strip()


def _parse_answers(path: Path) -> Dict[Text, Answer]:
    entries = _read_yaml(path).get("answers")
    if not isinstance(entries, dict) or not entries:
        raise ContentError(f"{path}: needs an 'answers:' mapping of intent to answer")
    answers = {}
    for intent, entry in entries.items():
        where = f"{path}: answers.{intent}"
        if not isinstance(entry, dict):
            raise ContentError(f"{where}: expected title, source, answer and follow_ups")
        follow_ups = entry.get("follow_ups") or []
        if not isinstance(follow_ups, list):
            raise ContentError(f"{where}.follow_ups: must be a list of intent names")
        quotes, statement = _quotes(entry.get("source"), where), entry.get("clinic_statement")
        if not quotes and statement is None:
            raise ContentError(f"{where}: needs 'source:' quotes from the source text, or a 'clinic_statement:'")
        answers[intent] = Answer(
            intent=intent,
            title=_text(entry.get("title"), f"{where}.title"),
            quotes=quotes,
            clinic_statement=_text(statement, f"{where}.clinic_statement") if statement is not None else None,
            text=_text(entry.get("answer"), f"{where}.answer"),
            detail=_text(entry.get("detail"), f"{where}.detail"),
            follow_ups=[str(name) for name in follow_ups],
        )
    return answers


def _quotes(value: Any, where: Text) -> List[Text]:
    """The `source:` list: each item a quote (whitespace is not significant)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ContentError(f"{where}.source: must be a list of quotes from the source text, one per line starting '- '")
    return [" ".join(_text(quote, f"{where}.source").split()) for quote in value]


def _country_notes(path: Path) -> Dict[Text, List[Text]]:
    """regulation.yml's notes, each with its source named, by the intent they belong to."""
    data = _read_yaml(path)
    notes = []
    for country, entry in (data.get("countries") or {}).items():
        where = f"{path}: countries.{country}"
        cited = entry.get("source") if isinstance(entry, dict) else None
        if not isinstance(cited, dict):
            raise ContentError(f"{where}: needs a note and a source (title, date, url, quotes)")
        date = cited.get("date")
        when = (
            f"{date.day} {date:%B %Y}" if hasattr(date, "strftime") else _text(str(date or ""), f"{where}.source.date")
        )
        note, title = _text(entry.get("note"), f"{where}.note"), _text(cited.get("title"), f"{where}.source.title")
        notes.append(f"{' '.join(note.split())} (Source: {title}, {when}.)")
    return {_text(data.get("intent"), f"{path}: intent"): notes}


def _check_links(content: Content, directory: Path) -> None:
    """Every button must lead to a topic that has a title."""
    titled = set(content.answers) | set(content.messages.get("button_titles") or {})
    linked = [(f"answers.{a.intent}.follow_ups", f) for a in content.answers.values() for f in a.follow_ups]
    for menu in TOPIC_MENUS:
        linked += [(menu, intent) for intent in content.messages.get(menu) or []]
    for where, intent in linked:
        if intent not in titled:
            raise ContentError(f"{directory}: {where} names '{intent}', which has no answer or button title")


def _check_templates(content: Content, directory: Path) -> None:
    """Every {placeholder} in messages.yml must be a clinic detail."""
    templates = dict(content.messages.get("handoff") or {})
    for key in (
        "urgent_care",
        "out_of_scope",
        "empty_message",
        "welcome",
        "capabilities",
        "safety_line",
        "more_offer",
        "clarify",
        "clarify_failed",
        "too_long",
        "too_many_messages",
        "unavailable",
        "other_treatment",
        "instructions",
        "other_language_english",
    ):
        templates[key] = content.messages.get(key)
    for language, texts in (content.messages.get("other_languages") or {}).items():
        for key in ("reply", "urgent_care"):
            templates[f"other_languages.{language}.{key}"] = (texts or {}).get(key)
    for key, template in templates.items():
        _text(template, f"{directory / 'messages.yml'}: {key}")
        try:
            content.with_clinic(template)
        except (KeyError, IndexError, ValueError) as error:
            raise ContentError(f"{directory / 'messages.yml'}: {key} uses an unknown placeholder {error}") from None


def load_content(directory: Path = CONTENT_DIR) -> Content:
    """Read and check every content file in `directory`."""
    clinic_data = _read_yaml(directory / "clinic.yml")
    clinic = {field: _text(clinic_data.get(field), f"{directory / 'clinic.yml'}: {field}") for field in CLINIC_FIELDS}
    answers = _parse_answers(directory / "answers.yml")
    for intent, notes in _country_notes(directory / "regulation.yml").items():
        if intent not in answers:
            raise ContentError(f"{directory / 'regulation.yml'}: intent '{intent}' has no answer")
        answers[intent] = replace(answers[intent], notes=notes)
    content = Content(
        answers=answers,
        disclaimer=_text(
            _read_yaml(directory / "disclaimer.yml").get("disclaimer"), f"{directory / 'disclaimer.yml'}: disclaimer"
        ),
        clinic=clinic,
        messages=_read_yaml(directory / "messages.yml"),
    )
    _check_links(content, directory)
    _check_templates(content, directory)
    _check_feedback(content, directory)
    return content


def _check_feedback(content: Content, directory: Path) -> None:
    """messages.yml's `feedback` must give every text the widget shows under an answer."""
    texts = content.messages.get("feedback")
    if not isinstance(texts, dict):
        raise ContentError(f"{directory / 'messages.yml'}: feedback must list {', '.join(FEEDBACK_TEXTS)}")
    for key in FEEDBACK_TEXTS:
        _text(texts.get(key), f"{directory / 'messages.yml'}: feedback.{key}")


_loaded: Dict[Text, Any] = {"signature": None, "content": None}


def _signature(directory: Path) -> Tuple:
    """When each content file last changed: a new signature means staff saved an edit."""
    return tuple((path.name, path.stat().st_mtime_ns) for path in sorted(directory.glob("*.yml")))


def served_content_dir() -> Path:
    """Where the servers read the content: $EXOBOT_CONTENT_DIR when set (on Kubernetes, a copy kept up to date
    from the database by `python -m exobot.server.publish follow`), else this folder."""
    return Path(os.environ.get("EXOBOT_CONTENT_DIR") or CONTENT_DIR)


def get_content() -> Content:
    """The content, loaded once and again whenever a content file changes (edits are served without a restart).

    An edit that does not load (a mistake in a file) leaves the last good content in place, and is logged.
    """
    directory = served_content_dir()
    signature = _signature(directory)
    if signature != _loaded["signature"]:
        try:
            _loaded["content"] = load_content(directory)
        except ContentError as error:
            if _loaded["content"] is None:
                raise
            logger.error("The content files have a mistake, so the last good content stays in use: %s", error)
        _loaded["signature"] = signature
    return _loaded["content"]
