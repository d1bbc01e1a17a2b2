"""A visitor chatting with the running bot over the website channel (POST /webhooks/rest/webhook)."""

import uuid
from typing import List

import requests


class Visitor:
    """One visitor's conversation over the website channel."""

    def __init__(self, bot_url: str) -> None:
        self.url = f"{bot_url}/webhooks/rest/webhook"
        self.sender = uuid.uuid4().hex

    def say(self, message: str) -> List[dict]:
        response = requests.post(self.url, json={"sender": self.sender, "message": message}, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def texts(self, message: str) -> List[str]:
        return [reply.get("text") for reply in self.say(message)]
