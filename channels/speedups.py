"""A measured speed-up for the Rasa server, applied when the website channel is loaded.

Rasa 3.6 checks every action server response with `jsonschema.validate(response, schema)`, which
first validates the schema itself against the JSON Schema meta-schema: on this 2-core machine that
was about three quarters of the server's time per message (py-spy, docs/performance.md). Here the
schema is checked once and its validator reused; responses are still validated exactly as before.
"""
from functools import lru_cache
from typing import Any, Dict, Text

import jsonschema
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result, with the schema's validator built once."""
    error = best_match(_action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def validate_action_results_with_a_cached_validator() -> None:
    RemoteAction._validate_action_result = _validate_action_result
