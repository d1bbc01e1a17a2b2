"""Readiness check of a Rasa server: exit 0 when it has a model loaded, 1 otherwise (with the reason).

    python -m exobot.server.probe http://127.0.0.1:5005

Asks GET /status with the API token from $RASA_AUTH_TOKEN, so the token never appears in a manifest or a
URL outside the pod. Only the standard library: it runs every few seconds in each Rasa pod.
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


def model_loaded(url: str, token: str, timeout: float = 4.0) -> str:
    """The loaded model's fingerprint, or "" if the server answers without one."""
    query = urllib.parse.urlencode({"token": token})
    with urllib.request.urlopen(f"{url.rstrip('/')}/status?{query}", timeout=timeout) as reply:
        status = json.load(reply)
    return str(status.get("fingerprint") or status.get("model_id") or "")


def main(arguments: list) -> int:
    url = arguments[0] if arguments else "http://127.0.0.1:5005"
    try:
        fingerprint = model_loaded(url, os.environ.get("RASA_AUTH_TOKEN", ""))
    except (urllib.error.URLError, OSError, ValueError) as error:
        print(f"not ready: {url} does not answer /status ({error})")
        return 1
    if not fingerprint:
        print(f"not ready: {url} has no model loaded yet")
        return 1
    print(f"ready: model {fingerprint[:12]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
