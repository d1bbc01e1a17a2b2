"""Ask "Did you mean ...?" when the model is unsure, and hand over after a second miss."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import latest_text, previous_bot_action
from actions.follow_up import answer_follow_up
from actions.replies import utter_with_buttons
from actions.topics import utter_cannot_answer
from exobot.content import Content, get_content


def is_empty_message(tracker: Tracker) -> bool:
    """The visitor sent nothing but whitespace (the NLU's BlankMessageClassifier made it nlu_fallback)."""
    return not latest_text(tracker).strip()


def likely_topics(tracker: Tracker, content: Content) -> List[Text]:
    """The most likely topics the bot can answer, best first; a possible report of a problem always first."""
    return content.clarification_choices(tracker.latest_message.get("intent_ranking") or [])


class ActionClarify(Action):
    """Offer the likeliest topics as buttons plus "Something else"; never guess a medical answer."""

    def name(self) -> Text:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        if is_empty_message(tracker):
            dispatcher.utter_message(text=content.say("empty_message"))
            return []
        followed = answer_follow_up(dispatcher, tracker, content)
        if followed is not None:
            return followed
        if previous_bot_action(tracker) == self.name():
            dispatcher.utter_message(text=content.say("clarify_failed"))
            return []
        topics = likely_topics(tracker, content)
        if not topics:
            utter_cannot_answer(dispatcher, tracker, content)
            return []
        buttons = content.buttons(topics) + [
            {"title": content.messages["something_else_button"], "payload": "/out_of_scope"}
        ]
        utter_with_buttons(dispatcher, tracker, content.say("clarify"), buttons)
        return []
