"""exobot/rasa_compat.py: every private Rasa attribute the project relies on is checked, and the patch is applied."""

import jsonschema
import pytest
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

from exobot import rasa_compat


@pytest.fixture(autouse=True)
def fresh_check():
    rasa_compat.check.cache_clear()
    yield
    rasa_compat.check.cache_clear()


def without_call(*args, **kwargs):
    """A stand-in for a Rasa method that no longer calls what the project relies on."""


def test_the_installed_rasa_has_everything_the_project_relies_on():
    assert rasa_compat.problems() == []
    rasa_compat.check()


@pytest.mark.parametrize(
    "owner, attribute, replacement, named",
    [
        (RemoteAction, "_validate_action_result", None, "RemoteAction._validate_action_result"),
        (RemoteAction, "run", without_call, "RemoteAction._validate_action_result"),
        (RemoteAction, "action_response_format_spec", None, "RemoteAction.action_response_format_spec"),
        (LogisticRegressionClassifier, "_create_X", None, "LogisticRegressionClassifier._create_X"),
        (LogisticRegressionClassifier, "process", without_call, "LogisticRegressionClassifier._create_X"),
        (LogisticRegressionClassifier, "__init__", without_call, "LogisticRegressionClassifier.clf"),
        (SQLTrackerStore, "session_scope", without_call, "SQLTrackerStore.engine and .sessionmaker"),
    ],
)
def test_a_renamed_or_changed_rasa_internal_is_named(monkeypatch, owner, attribute, replacement, named):
    if replacement is None:
        monkeypatch.delattr(owner, attribute)
    else:
        monkeypatch.setattr(owner, attribute, replacement)

    assert [problem for problem in rasa_compat.problems() if named in problem]
    with pytest.raises(rasa_compat.RasaChanged, match="exobot/rasa_compat.py"):
        rasa_compat.check()


def test_another_rasa_version_is_refused(monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    assert rasa_compat.problems() == ["this project is written for Rasa 3.6.x, but Rasa 3.7.0 is installed"]


def test_apply_installs_a_validator_that_checks_action_responses_as_rasa_does(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    rasa_compat.apply()
    action = RemoteAction("action_answer_faq", None)

    assert RemoteAction._validate_action_result is rasa_compat._validate_action_result
    assert action._validate_action_result({"events": [], "responses": [{"text": "hello"}]})
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})


def test_apply_gives_every_event_name_the_class_rasa_gives_it():
    from rasa.shared.core.events import Event, UserUttered

    rasa_compat.apply()
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("no such event", default=UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no such event")


def test_apply_makes_calls_to_one_endpoint_reuse_their_connection():
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    from harness.local_services import free_port

    rasa_compat.apply()
    peers = []

    async def handler(request):
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"ok": True})

    async def two_calls():
        app = web.Application()
        app.router.add_post("/webhook", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            return [await endpoint.request(json={"n": n}) for n in range(2)]
        finally:
            await runner.cleanup()

    assert asyncio.run(two_calls()) == [{"ok": True}, {"ok": True}]
    assert len(peers) == 2 and peers[0] == peers[1]  # the same client connection both times
