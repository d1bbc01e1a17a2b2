"""exobot/console/app.py in-process: login, sessions, CSRF, escaping and the forms, through aiohttp's test client."""

import asyncio
import re
import shutil
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient, TestServer

from exobot.console import audit
from exobot.console.accounts import save_account
from exobot.console.app import create_app
from exobot.console.settings import Settings, from_environment
from exobot.content import CONTENT_DIR
from exobot.paths import ROOT
from tests.exobot.console.conftest import save, turn

PASSWORD = "correct horse battery staple"
ATTACK = "<img src=x onerror=alert(1)>"
PAGES = [
    "/",
    "/unanswered",
    "/helpfulness",
    "/teach",
    "/conversations",
    "/transcript?sender=x",
    "/answers",
    "/answers/ask_benefits",
    "/audit",
]
FORMS = [
    "/unanswered",
    "/helpfulness",
    "/teach",
    "/teach/rollback",
    "/transcript/export",
    "/answers/ask_benefits",
    "/logout",
]


@pytest.fixture
def settings(tmp_path) -> Settings:
    """The console working on copies of the training data and content, with an empty models folder."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(CONTENT_DIR, tmp_path / "content", ignore=shutil.ignore_patterns("__pycache__"))
    return Settings(
        data_dir=tmp_path / "data",
        models_dir=tmp_path / "models",
        content_dir=tmp_path / "content",
        rasa_url="http://127.0.0.1:9",
    )


@pytest.fixture
def staff(database, now) -> str:
    save_account(database, "alice", PASSWORD, now)
    return "alice"


def run(settings: Settings, database, scenario: Callable[[TestClient], Awaitable]) -> None:
    """Serve the console in-process and play the scenario against it."""

    async def main() -> None:
        async with TestClient(TestServer(create_app(settings, database))) as client:
            await scenario(client)

    asyncio.run(main())


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


async def log_in(client: TestClient, name: str = "alice", password: str = PASSWORD, **headers) -> object:
    page = await client.get("/login")
    token = form_token(await page.text())
    return await client.post(
        "/login",
        data={"csrf_token": token, "name": name, "password": password, "next": "/"},
        allow_redirects=False,
        headers=headers,
    )


async def csrf_of(client: TestClient) -> str:
    return form_token(await (await client.get("/audit")).text())


def files_of(settings: Settings) -> dict:
    """Every file the console may change, with its content."""
    folders = [settings.data_dir, settings.content_dir, settings.models_dir]
    return {
        path: path.read_bytes() for folder in folders if folder.exists() for path in folder.rglob("*") if path.is_file()
    }


def test_every_page_and_form_needs_a_session(settings, database):
    async def scenario(client):
        for path in PAGES:
            response = await client.get(path, allow_redirects=False)
            assert response.status == 303 and response.headers["Location"].startswith("/login?next="), path
        for path in FORMS:
            response = await client.post(path, data={"csrf_token": "x"}, allow_redirects=False)
            assert response.status == 403 and "Please log in" in await response.text(), path

    before = files_of(settings)
    run(settings, database, scenario)
    assert files_of(settings) == before and audit.count(database) == 0


def test_login_gives_an_httponly_samesite_strict_cookie_secure_behind_https(settings, database, staff):
    async def scenario(client):
        page = await client.get("/login")
        assert "HttpOnly" in page.headers["Set-Cookie"] and "SameSite=Strict" in page.headers["Set-Cookie"]
        plain = await log_in(client)
        assert plain.status == 303 and plain.headers["Location"] == "/"
        cookie = plain.headers.getall("Set-Cookie")[0]
        assert cookie.startswith("console_session=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert "Secure" not in cookie
        proxied = await log_in(client, **{"X-Forwarded-Proto": "https"})
        assert "Secure" in proxied.headers.getall("Set-Cookie")[0]

    run(settings, database, scenario)

    async def configured(client):
        page = await client.get("/login")
        assert "Secure" in page.headers["Set-Cookie"]  # so over plain HTTP the browser never sends it back

    run(replace(settings, secure_cookies=True), database, configured)


def test_the_login_form_needs_its_own_token(settings, database, staff):
    async def scenario(client):
        response = await client.post("/login", data={"name": "alice", "password": PASSWORD}, allow_redirects=False)
        assert response.status == 403
        assert (await client.get("/", allow_redirects=False)).status == 303  # not logged in

    run(settings, database, scenario)


def test_forms_without_or_with_a_wrong_csrf_token_are_refused_and_change_nothing(settings, database, staff, store, now):
    save(store, "visitor", turn("zxqv blorp", "nlu_fallback", "action_clarify", now - 10, confidence=0.3))

    async def scenario(client):
        await log_in(client)
        entries = audit.count(database)
        attempts = {
            "/unanswered": {"group-0-text": "zxqv blorp", "group-0-intent": "ask_cost"},
            "/teach": {},
            "/teach/rollback": {"model": "x"},
            "/transcript/export": {"sender": "visitor"},
            "/answers/ask_benefits": {"action": "save", "answer": "Changed.", "detail": "Changed.", "version": "x"},
            "/logout": {},
        }
        for path, fields in attempts.items():
            for token in (None, "wrong-token"):
                data = {**fields, **({"csrf_token": token} if token else {})}
                response = await client.post(path, data=data, allow_redirects=False)
                assert response.status == 403, (path, token)
                assert "The form was out of date" in await response.text()
        assert audit.count(database) == entries
        assert (await client.get("/", allow_redirects=False)).status == 200  # still logged in

    before = files_of(settings)
    run(settings, database, scenario)
    assert files_of(settings) == before


def test_the_sixth_login_is_refused_even_with_the_right_password(settings, database, staff):
    async def scenario(client):
        for _ in range(4):
            response = await log_in(client, password="wrong password")
            assert response.status == 401 and "Wrong name or password" in await response.text()
        fifth = await log_in(client, password="wrong password")
        assert "locked for 15 minutes" in await fifth.text()
        sixth = await log_in(client)
        assert sixth.status == 401 and "locked for 15 minutes" in await sixth.text()
        assert (await client.get("/", allow_redirects=False)).status == 303

    run(settings, database, scenario)
    assert [entry.action for entry in audit.recent(database)] == ["account_locked"]


def test_a_session_idle_for_longer_than_the_limit_is_refused(settings, database, staff):
    async def scenario(client):
        await log_in(client)
        assert (await client.get("/audit", allow_redirects=False)).status == 200
        token = await csrf_of(client)
        await asyncio.sleep(1.5)
        page = await client.get("/audit", allow_redirects=False)
        assert page.status == 303 and "expired=1" in page.headers["Location"]
        form = await client.post("/teach", data={"csrf_token": token}, allow_redirects=False)
        assert form.status == 403

    run(replace(settings, session_minutes=1 / 60), database, scenario)


def test_logging_out_ends_the_session(settings, database, staff):
    async def scenario(client):
        await log_in(client)
        response = await client.post("/logout", data={"csrf_token": await csrf_of(client)}, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/login?done=logged_out"
        assert (await client.get("/", allow_redirects=False)).status == 303

    run(settings, database, scenario)
    assert [entry.action for entry in audit.recent(database)] == ["logout", "login"]


def test_visitor_text_is_shown_as_text_on_every_page(settings, database, staff, store, now):
    sender = "a/b&c <i>"
    save(store, sender, turn(ATTACK, "report_adverse_reaction", "action_give_urgent_care", now - 60, confidence=0.3))
    escaped = "&lt;img src=x onerror=alert(1)&gt;"

    async def scenario(client):
        await log_in(client)
        for path in ["/", "/unanswered", "/conversations?q=onerror", "/transcript?sender=a%2Fb%26c+%3Ci%3E"]:
            html = await (await client.get(path)).text()
            assert escaped in html and "<img" not in html, path
            assert "<i>" not in html
        export = await client.post("/transcript/export", data={"csrf_token": await csrf_of(client), "sender": sender})
        assert export.headers["Content-Type"].startswith("text/plain")
        assert export.headers["X-Content-Type-Options"] == "nosniff"
        assert ATTACK in await export.text()
        audit_page = await (await client.get("/audit")).text()
        assert "a/b&amp;c &lt;i&gt;" in audit_page

    run(settings, database, scenario)


def test_pages_forbid_scripts_framing_and_caching(settings, database, staff):
    async def scenario(client):
        await log_in(client)
        response = await client.get("/")
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy and "frame-ancestors 'none'" in policy
        assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"
        assert (await client.get("/static/console.css")).status == 200
        assert (await client.get("/no-such-page")).status == 404

    run(settings, database, scenario)


def test_labels_sent_from_the_form_are_added_to_the_training_data_and_logged(settings, database, staff, store, now):
    save(
        store,
        "visitor",
        turn("will it sort out my crepey neck", "nlu_fallback", "action_clarify", now - 10, confidence=0.4),
    )

    async def scenario(client):
        await log_in(client)
        page = await (await client.get("/unanswered")).text()
        assert "will it sort out my crepey neck" in page and "Not a topic we answer" in page
        data = {
            "csrf_token": form_token(page),
            "group-0-text": "will it sort out my crepey neck",
            "group-0-intent": "ask_skin_rejuvenation",
        }
        result = await (await client.post("/unanswered", data=data)).text()
        assert 'id="labels-added"' in result and 'id="nothing-waiting"' in result

    run(settings, database, scenario)
    assert "- will it sort out my crepey neck" in (settings.data_dir / "nlu" / "faq_treatments.yml").read_text()
    assert [(e.action, e.detail) for e in audit.recent(database)][0] == (
        "label",
        "ask_skin_rejuvenation: will it sort out my crepey neck",
    )


def test_an_answer_edit_is_saved_only_when_the_checks_pass(settings, database, staff):
    answers_file = settings.content_dir / "answers.yml"
    original = answers_file.read_text()

    async def scenario(client):
        await log_in(client)
        page = await (await client.get("/answers/ask_benefits")).text()
        fields = {
            "csrf_token": form_token(page),
            "version": re.search(r'name="version" value="([^"]+)"', page).group(1),
            "answer": re.search(r'<textarea id="answer"[^>]*>([^<]*)</textarea>', page).group(1),
            "detail": re.search(r'<textarea id="detail"[^>]*>([^<]*)</textarea>', page).group(1),
            "follow_up_1": "ask_safety_risks",
            "action": "save",
        }
        bad = await client.post("/answers/ask_benefits", data={**fields, "answer": "It cures everyone overnight."})
        assert bad.status == 422 and "not supported by its quotes" in await bad.text()
        assert answers_file.read_text() == original
        good = await client.post("/answers/ask_benefits", data=fields)
        assert good.status == 200 and "Saved." in await good.text()

    run(settings, database, scenario)
    assert "follow_ups: [ask_safety_risks]" in answers_file.read_text()
    assert [(e.action, e.detail) for e in audit.recent(database)][0] == ("answer_edit", "ask_benefits")


def test_settings_come_from_the_environment_and_the_command_line():
    settings = from_environment(
        {"CONSOLE_SESSION_MINUTES": "5", "CONSOLE_SECURE_COOKIES": "1", "RASA_URL": "http://bot:5005/"},
        models_dir=Path("/tmp/models"),
        data_dir=None,
    )
    assert settings.session_minutes == 5 and settings.secure_cookies and settings.rasa_url == "http://bot:5005"
    assert settings.models_dir == Path("/tmp/models") and settings.data_dir == Settings.data_dir
    with pytest.raises(ValueError):
        from_environment({"CONSOLE_SESSION_MINUTES": "0"})


def test_the_helpfulness_page_lists_answers_lowest_share_first_and_labels_a_no_comment(
    settings, database, staff, store, now
):
    from rasa.shared.core.events import BotUttered

    from exobot.server.feedback import Answered, Vote, record

    answers = {"ask_benefits": uuid.uuid4().hex, "ask_safety_risks": uuid.uuid4().hex}
    events = []
    for number, (topic, answer_id) in enumerate(answers.items()):
        marker = {"feedback": {"id": answer_id, "topic": topic, "kind": "answer"}}
        events += turn(f"question {number}", topic, "action_answer_faq", now - 600 + number * 10)
        events.insert(-1, BotUttered("More?", data={"custom": marker}, timestamp=now - 599 + number * 10))
    save(store, "visitor-1", events)
    comment = "will it sort out my crepey neck " + ATTACK
    yes = Vote("visitor-1", answers["ask_benefits"], True)
    record(database.engine, yes, Answered("ask_benefits", "answer", 1), now)
    no = Vote("visitor-1", answers["ask_safety_risks"], False, comment)
    record(database.engine, no, Answered("ask_safety_risks", "answer", 1), now)

    async def scenario(client):
        await log_in(client)
        page = await (await client.get("/helpfulness")).text()
        assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page
        table = page[page.index('id="ratings-7"') :]
        assert table.index('data-topic="ask_safety_risks"') < table.index('data-topic="ask_benefits"')
        assert f"/transcript?sender=visitor-1#answer-{answers['ask_safety_risks']}" in page
        assert '<dd data-count="share">50.0%</dd>' in page
        overview = await (await client.get("/")).text()
        assert '<dd data-count="helpful_share">50.0%</dd>' in overview
        conversation = await (await client.get("/transcript?sender=visitor-1")).text()
        assert f'id="answer-{answers["ask_safety_risks"]}"' in conversation
        assert "<strong>No</strong>" in conversation and "<strong>Yes</strong>" in conversation
        data = {"csrf_token": form_token(page), "comment-0-text": comment, "comment-0-intent": "ask_skin_rejuvenation"}
        result = await (await client.post("/helpfulness", data=data)).text()
        assert 'id="labels-added"' in result and "Labelled: " in result

    run(settings, database, scenario)
    assert f"- {comment}" in (settings.data_dir / "nlu" / "faq_treatments.yml").read_text()
    assert [(e.action, e.detail) for e in audit.recent(database)][0] == ("label", f"ask_skin_rejuvenation: {comment}")


def test_a_refused_label_is_listed_with_its_reason_and_the_visitors_text_escaped():
    from types import SimpleNamespace

    from exobot.console.app import pages

    macro = pages().get_template("_labels.html").module.refused_labels
    refused = [
        SimpleNamespace(text="<b>hi</b>", intent="ask_benefits", code="duplicate", reason="already an example"),
        SimpleNamespace(text="new topic", intent="ask_new", code="no_file", reason=""),
    ]
    html = str(macro(refused))

    assert 'id="labels-refused"' in html and "&lt;b&gt;hi&lt;/b&gt;" in html and "<b>hi</b>" not in html
    assert "already an example" in html and "no training file holds this intent yet" in html
