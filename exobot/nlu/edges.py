"""The edge check: messages the FAQ must not answer as if they asked about exosomes.

It runs after the trained classifier and the fallback, before the suitability and red-flag checks, and
marks a message with what it is beside its intent (`edge` in the parse data), so the actions can reply:

- written in another language (py3langid, offline): a short reply in that language, or urgent care
  in English and that language when it reports a problem after a treatment;
- asking the bot to change its rules or role, or for doses, home use or products bought online:
  a firm, kind refusal that points to a qualified professional;
- about a treatment other than exosomes on its own ("downtime after a thread lift?"): the bot answers
  about exosome treatments only, and the clinic can be asked about the other one. A comparison
  ("exosomes or PRP for hair?") keeps its exosome answer.

Such a message gets the intent `out_of_scope` (a report: `report_adverse_reaction`). The words are in
edges.yml. Requests are also judged by meaning: a message whose nearest reference examples
(edges_examples.yml, embedded by the sentence encoder when the model is trained) are all requests to refuse,
and close enough, is one too, whatever its words, unless the classifier is sure it is one of the bot's topics.
The thresholds were chosen on evaluation/edges/ (development part) with the training data as a cap.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from exobot.nlu.keywords import found_signs, make_top_intent
from exobot.nlu.references import ENCODER_SETTINGS, References
from exobot.nlu.spelling import CORRECTED_TEXT
from exobot.nlu.suitability import asks_about_suitability
from exobot.paths import ROOT

PATTERNS_FILE = Path(__file__).parent / "edges.yml"
EXAMPLES_FILE = Path(__file__).parent / "edges_examples.yml"
REFUSE = "refuse"
EDGE_KEY = "edge"
OUT_OF_SCOPE = "out_of_scope"
REPORT_INTENT = "report_adverse_reaction"
ENGLISH = "en"
LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "ar", "zh")
# The detector's probability for a language other than English, below which a message is read as English
# (short English messages such as "thx" or "lol no" look foreign); chosen on the development part.
MIN_LANGUAGE_PROBABILITY = 0.5
OWN_SCRIPT = re.compile(r"[\u0600-\u06ff\u4e00-\u9fff]")
OTHER_SCRIPT = re.compile(
    r"[^\x00-\u024f\u0600-\u06ff\u4e00-\u9fff\u2000-\u206f\u3000-\u303f\uff00-\uffef\U0001f000-\U0001faff]"
)
# Common English words (built by `make spacy` from spacy-lookups-data): a message most of whose words are
# common English is English, whatever the detector says of "okay sure" or "nah i'm ok".
ENGLISH_WORDS_FILE = ROOT / ".spacy" / "english_words.txt"
MOSTLY_ENGLISH = 0.67
# French shares many words with English ("est", "le"): a sure detector (three words or more) may outweigh them.
MOSTLY_ENGLISH_IF_SURE = 0.8
SURE = 0.99
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
INSTRUCTION_SIGNS = {"dose", "home_use", "bought_product"}
# Refusing by meaning alone is for messages the classifier is not sure are one of the bot's topics.
SURE_OF_A_TOPIC = 0.8
NOT_A_TOPIC = {OUT_OF_SCOPE, "nlu_fallback", REPORT_INTENT, None}


def asks_for_instructions(*texts: Text) -> bool:
    """A request to change the bot's rules or role, or for a dose, home use or a product bought online."""
    signs = set(found_signs(PATTERNS_FILE, texts))
    return "rule_change" in signs or (bool(INSTRUCTION_SIGNS & signs) and "not_a_request" not in signs)


def about_other_treatment(*texts: Text) -> bool:
    """A question that names a treatment other than exosomes, and not exosomes themselves."""
    signs = set(found_signs(PATTERNS_FILE, texts))
    return "other_treatment" in signs and "exosomes" not in signs


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


@lru_cache(maxsize=1)
def _english_words() -> frozenset:
    try:
        common = ENGLISH_WORDS_FILE.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        raise FileNotFoundError(f"{ENGLISH_WORDS_FILE} is missing: run `make spacy` to build it") from None
    subject = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))["english_words"].split()
    return frozenset(common + subject)


def english_share(text: Text) -> float:
    """The share of the message's words that are common English words."""
    words = WORD.findall(text.lower())
    english = _english_words()
    return sum(word in english or word.split("'")[0] in english for word in words) / max(len(words), 1)


def detect_language(text: Text, corrected: Text = "") -> Text:
    """The message's language (ISO 639-1), English unless another of LANGUAGES is clear.

    `corrected` is the spell-corrected text ("side efects" -> "side effects"): typos are not another language.
    """
    if OWN_SCRIPT.search(text):
        language, _ = _identifier().classify(text)
        return language
    if OTHER_SCRIPT.search(text):
        return ENGLISH  # Cyrillic, Devanagari...: none of the languages the bot has a reply in
    words = len(WORD.findall(text))
    share = max(english_share(text), english_share(corrected) if corrected else 0.0)
    if words < 2 or share >= MOSTLY_ENGLISH_IF_SURE or (words == 2 and share > 0):
        return ENGLISH  # one word ("ok", "merci") says too little, two with an English one ("anti ageing") too
    language, probability = _identifier().classify(text)
    if language == ENGLISH or probability < MIN_LANGUAGE_PROBABILITY:
        return ENGLISH
    if share >= MOSTLY_ENGLISH and not (words >= 3 and probability >= SURE):
        return ENGLISH  # "okay sure", "nah i'm ok": most words English, and the detector not sure
    return language


@lru_cache(maxsize=1)
def _language_words() -> Dict[Text, Dict[Text, List[Text]]]:
    return yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))["languages"]


def reports_problem_in(text: Text, language: Text) -> bool:
    """A message in another language naming a symptom and the visitor's own body or time."""
    words = _language_words().get(language)
    if not words:
        return False
    lowered = f" {text.lower()} "
    return any(w in lowered for w in words["symptoms"]) and any(w in lowered for w in words["own"])


def edge_of(
    text: Text, corrected: Text = "", request_by_meaning: bool = False
) -> Tuple[Optional[Dict[Text, Any]], Optional[Text]]:
    """What the message is beside its intent, and the intent that then fits (None: leave it as it is)."""
    language = detect_language(text, corrected)
    if language != ENGLISH:
        if reports_problem_in(text, language):
            return {"kind": "language", "language": language, "report": True}, REPORT_INTENT
        return {"kind": "language", "language": language}, OUT_OF_SCOPE
    if asks_for_instructions(text) or request_by_meaning:  # as typed: "dosh" is not "dose"
        return {"kind": "instructions"}, OUT_OF_SCOPE
    if about_other_treatment(text, corrected) and not asks_about_suitability(text, corrected):
        return {"kind": "other_treatment"}, OUT_OF_SCOPE
    return None, None


def sure_of_a_topic(message: Message) -> bool:
    """The classifier gives one of the bot's topics at least SURE_OF_A_TOPIC: meaning alone does not refuse it."""
    intent = message.get(INTENT) or {}
    return intent.get(INTENT_NAME_KEY) not in NOT_A_TOPIC and float(intent.get("confidence") or 0) >= SURE_OF_A_TOPIC


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EdgeClassifier(GraphComponent, IntentClassifier):
    """Marks messages in other languages, instruction requests and questions about other treatments."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # the sentence encoder's settings, as the SentenceEncoderFeaturizer has them in config.yml
            "encoder": ENCODER_SETTINGS,
            # a request by meaning: of its `k` nearest reference examples, at least `share` are requests, the
            # nearest at cosine `min_similarity` or more. Chosen on the development part of evaluation/edges/ with
            # the training data as a cap: alone, it refuses 32.5 % of the part's requests, none of its look-alikes,
            # and 2 of the 6,113 training examples of the intents the bot answers (at 0.8 of 7 and 0.7: 39).
            "k": 7,
            "share": 1.0,
            "min_similarity": 0.75,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: Optional[ModelStorage] = None,
        resource: Optional[Resource] = None,
        references: Optional[References] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **(config or {})}
        self._model_storage = model_storage
        self._resource = resource
        self.references = references or References.empty()

    @classmethod
    def required_components(cls) -> List[type]:
        return [DenseFeaturizer]  # the sentence encoder: messages carry its vector

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EdgeClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Embed the reference examples with the sentence encoder, as messages are embedded when served."""
        self.references = References.embed(EXAMPLES_FILE, self.config["encoder"])
        with self._model_storage.write_to(self._resource) as directory:
            self.references.save(directory, REFUSE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EdgeClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                references = References.load(directory, REFUSE)
        except ValueError:
            references = References.empty()
        return cls(config, model_storage, resource, references)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            request = not sure_of_a_topic(message) and self.is_request_by_meaning(message)
            edge, intent = edge_of(text, message.get(CORRECTED_TEXT) or "", request)
            if edge is not None:
                message.set(EDGE_KEY, edge, add_to_output=True)
                make_top_intent(message, intent)
        return messages

    def is_request_by_meaning(self, message: Message) -> bool:
        """Most of the message's nearest reference examples are requests to refuse, and close enough."""
        return self.references.agrees(message, REFUSE, self.config)
