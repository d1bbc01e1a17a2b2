"""Answer a topic question with its curated answer, the disclaimer and follow-up topics."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.content import get_content
from actions.conversation import latest_intent
from actions.fallback import utter_cannot_answer


class ActionAnswerFaq(Action):
    """Curated answer for the intent of the latest message, then the disclaimer."""

    def name(self) -> Text:
        return "action_answer_faq"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        content = get_content()
        intent = latest_intent(tracker)
        answer = content.answers.get(intent)
        if answer is None:
            utter_cannot_answer(dispatcher, content)
            return []
        dispatcher.utter_message(text=answer.text)
        dispatcher.utter_message(text=content.disclaimer, buttons=content.buttons(answer.follow_ups))
        return []
