"""The staff console in Debian's Chromium, against the running bot: the staff path, security, accessibility.

The console started by scripts/run.sh (stack.console_url) works on the project's own files, so tests that
change something (labels, training, rollback, refused forms) use a second console on the same conversation
store and the same running bot, working on copies of data/, models/ and exobot/content/.
"""

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from exobot.console import audit
from exobot.console.database import open_database
from exobot.console.stats import OUTCOMES
from exobot.content import CONTENT_DIR, get_content
from exobot.paths import ROOT, evaluation_sets
from exobot.tools.nlu_files import evaluation_texts, examples_by_text, read_examples, training_files
from harness.local_services import free_port
from tests.browser.conftest import AXE, RESULTS
from tests.visitor import Visitor

pytestmark = pytest.mark.browser

CONTENT = get_content()
ATTACK = "<img src=x onerror=alert(1)>"
PASSWORD = "a long staff passphrase"
TRAINING_SECONDS = 300
# Phrasings the bot may not understand yet, with the topic they ask about. The test labels the first three
# it misses (unsure ones first), so the list outlasts new training data; add more when it runs short.
CANDIDATES = [
    ("can it do anything for a receding widow's peak", "ask_hair_restoration"),
    ("any good for a patchy beard", "ask_hair_restoration"),
    ("will it calm down my splotchy forehead", "ask_pigmentation"),
    ("what's the deal with the vesicle stuff for grey dull skin", "ask_skin_rejuvenation"),
    ("where do the tiny bubbles in the treatment come from", "ask_origin_biocompatibility"),
    ("could it sort my dodgy sun damage freckles", "ask_pigmentation"),
    ("will it sort out my crepey neck", "ask_skin_rejuvenation"),
    ("can it tighten my turkey neck", "ask_skin_rejuvenation"),
    ("will it help my thinning crown", "ask_hair_restoration"),
    ("would it perk up my tired looking eyes", "ask_skin_rejuvenation"),
    ("could it firm up my droopy eyelids", "ask_skin_rejuvenation"),
    ("can it freshen up a dull complexion", "ask_skin_rejuvenation"),
    ("is it any use for a wonky chin scar", "ask_wound_healing"),
    ("will it lift my saggy jowls a bit", "ask_skin_rejuvenation"),
    ("is it a bit of a miracle for knackered skin", "ask_skin_rejuvenation"),
    ("does the stuff plump up a deflated face", "ask_skin_rejuvenation"),
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "tablet": {"width": 768, "height": 1024}}


@dataclass(frozen=True)
class Console:
    """A console on the stack's conversation store, working on its own copies of the project's files."""

    url: str
    data_dir: Path
    models_dir: Path
    content_dir: Path


@contextlib.contextmanager
def console(stack, folder: Path, **environment: str) -> Iterator[Console]:
    """Start `python -m exobot.console` on copies of data/, models/ and exobot/content/."""
    folder.mkdir(parents=True, exist_ok=True)
    data, models, content = folder / "data", folder / "models", folder / "content"
    shutil.copytree(ROOT / "data", data)
    shutil.copytree(CONTENT_DIR, content, ignore=shutil.ignore_patterns("__pycache__"))
    models.mkdir()
    for served in (ROOT / "models").glob("exosome-bot.*"):
        shutil.copy(served, models / served.name)
    port = free_port()
    command = [sys.executable, "-m", "exobot.console", "--port", str(port), "--rasa-url", stack.rasa_url]
    command += ["--endpoints", str(stack.state_dir / "endpoints.yml")]
    command += ["--data", str(data), "--models", str(models), "--content", str(content)]
    env = {**os.environ, "RASA_AUTH_TOKEN": stack.token, **environment}
    with open(folder / "console.log", "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        ready = subprocess.run([sys.executable, "-m", "exobot.tools.wait_for", f"{url}/login", "--timeout", "60"])
        assert ready.returncode == 0, (folder / "console.log").read_text()[-3000:]
        yield Console(url, data, models, content)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def sandbox(stack, tmp_path_factory) -> Iterator[Console]:
    with console(stack, tmp_path_factory.mktemp("console")) as started:
        yield started


def create_staff(stack, name: str, typed: str) -> subprocess.CompletedProcess:
    """`make staff-user NAME=...` with the password piped in."""
    return subprocess.run(
        [sys.executable, "-m", "exobot.tools.staff_user", name, "--endpoints", str(stack.state_dir / "endpoints.yml")],
        input=typed,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def staff(stack) -> tuple:
    """A staff account made with the tool: (name, password)."""
    name = f"staff-{secrets.token_hex(3)}"
    result = create_staff(stack, name, f"{PASSWORD}\n{PASSWORD}\n")
    assert result.returncode == 0, result.stderr
    return name, PASSWORD


@pytest.fixture(scope="module")
def conversations(stack) -> Dict[str, str]:
    """A few conversations for the pages to show: sender ids by what they hold."""
    made = {}
    for kind, messages in {
        "answered": ["what are exosomes", "yes"],
        "urgent": [f"{ATTACK} my face is swollen after my treatment"],
        "attack": [ATTACK],
    }.items():
        visitor = Visitor(stack.rasa_url)
        visitor.say("/session_start")
        for message in messages:
            visitor.say(message)
        made[kind] = visitor.sender
    return made


def new_page(browser: Browser, viewport: str = "desktop", **options) -> Page:
    """A page in a fresh browser context (no cookies), recording dialogs and requests."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], **options)
    page = context.new_page()
    page.dialogs, page.requested = [], []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: page.requested.append(request.url))
    return page


def log_in(page: Page, url: str, name: str, password: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible()


def axe_violations(page: Page, name: str) -> list:
    """axe-core's violations on the page (its context must bypass the CSP), and a screenshot of it."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    RESULTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS / f"console-{name}.png"), full_page=True)
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]]


def csrf_token(page: Page) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


def fingerprints(*folders: Path) -> Dict[Path, str]:
    return {
        path: hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file()
    }


def audit_entries(stack) -> int:
    return audit.count(open_database(stack.state_dir / "endpoints.yml"))


def overview_numbers(page: Page, days: int) -> Dict[str, int]:
    """The counts the overview shows for the last `days` days."""
    numbers = {
        key: int(page.locator(f"#totals-{days} [data-count={key}]").inner_text())
        for key in ("conversations", "visitor_messages", "bot_messages")
    }
    for outcome in OUTCOMES:
        numbers[outcome] = int(page.locator(f"#outcomes-{days} tr[data-outcome={outcome}] td.count").inner_text())
    return numbers


def replies(stack, *messages: str) -> List[List[str]]:
    """A new visitor (the widget opens with /session_start) sends the messages; the bot's texts for each."""
    visitor = Visitor(stack.rasa_url)
    visitor.say("/session_start")
    return [visitor.texts(message) for message in messages]


def unanswered(stack, data_dir: Path, count: int = 3) -> List[tuple]:
    """The first candidates the running bot lists as unanswered (as `make review` does), unsure ones first;
    phrasings already in the training data or an evaluation set are left out (they cannot be labelled)."""
    known = set(examples_by_text(read_examples(training_files(data_dir / "nlu"))))
    known |= set(evaluation_texts(evaluation_sets()))
    missed = []
    for order, (text, intent) in enumerate(CANDIDATES):
        parse = requests.post(
            f"{stack.rasa_url}/model/parse", params={"token": stack.token}, json={"text": text}, timeout=30
        )
        guess = parse.json()["intent"]
        unsure = guess["name"] == "nlu_fallback" or guess["confidence"] < 0.6
        if (unsure or guess["name"] == "out_of_scope") and text.casefold() not in known:
            missed.append((not unsure, order, text, intent))
    return [(text, intent) for _, _, text, intent in sorted(missed)[:count]]


def test_make_run_starts_the_console_and_its_pages_need_a_login(stack):
    pages = ["/", "/unanswered", "/helpfulness", "/teach", "/conversations", "/transcript?sender=x", "/answers"]
    for path in pages + ["/audit"]:
        response = requests.get(f"{stack.console_url}{path}", allow_redirects=False, timeout=10)
        assert response.status_code == 303 and response.headers["Location"].startswith("/login?next="), path
    login = requests.get(f"{stack.console_url}/login", timeout=10)
    assert login.status_code == 200 and "default-src 'none'" in login.headers["Content-Security-Policy"]


def test_the_staff_path_from_account_to_teaching_rollback_and_logout(browser, stack, sandbox):
    name = f"staff-{secrets.token_hex(3)}"
    created = create_staff(stack, name, f"{PASSWORD}\n{PASSWORD}\n")
    assert created.returncode == 0 and f"staff account '{name}' created" in created.stdout
    page = new_page(browser, bypass_csp=True)  # for axe on the pages only this path shows
    log_in(page, sandbox.url, name, PASSWORD)
    replies(stack, "what are exosomes", "hello")  # the bot has answered before the numbers are taken

    # The overview counts the conversations made now through the REST channel.
    page.goto(sandbox.url)
    before = {days: overview_numbers(page, days) for days in (7, 30)}
    out_of_scope = read_examples([sandbox.data_dir / "nlu" / "out_of_scope.yml"])[0].text
    made = [
        replies(stack, "what are exosomes", "yes"),
        replies(stack, "how much does it cost"),
        replies(stack, "my face is swollen after my treatment"),
        replies(stack, out_of_scope),
        replies(stack, "hello"),
    ]
    assert made[0][0][0] == CONTENT.answers["ask_what_are_exosomes"].text
    assert made[0][1][0] == CONTENT.answers["ask_what_are_exosomes"].detail
    assert made[1][0][0] == CONTENT.with_clinic(CONTENT.messages["handoff"]["ask_cost"])
    assert made[2][0][0].startswith(CONTENT.with_clinic(CONTENT.messages["urgent_care"])[:40])
    assert made[3][0][0].startswith(CONTENT.messages["out_of_scope"][:40])
    expected = {"conversations": 5, "visitor_messages": 6, "answered": 2, "clarified": 0, "out_of_scope": 1}
    expected.update(handed_over=1, urgent_care=1, other=1)
    expected["bot_messages"] = sum(len(texts) for conversation in made for texts in conversation) + len(made)
    page.reload()
    for days in (7, 30):
        after = overview_numbers(page, days)
        assert {key: after[key] - before[days][key] for key in expected} == expected, days
        answered = page.locator(f"#outcomes-{days} tr[data-outcome=answered] td.share").inner_text()
        assert answered == f"{after['answered'] / after['visitor_messages']:.1%}"
    expect(page.locator("#urgent-list")).to_contain_text("my face is swollen after my treatment")

    # Three questions the bot misses are labelled in the browser.
    chosen = unanswered(stack, sandbox.data_dir)
    assert len(chosen) == 3, "fewer than three CANDIDATES are still unanswered by the bot: add new phrasings"
    earlier = {text: replies(stack, text)[0] for text, _ in chosen}
    page.goto(f"{sandbox.url}/unanswered")
    for text, intent in chosen:
        group = page.locator("fieldset.group").filter(has_text=text)
        for box in group.locator("input[type=checkbox]").all():
            box.set_checked(box.get_attribute("value") in dict(chosen))
        group.get_by_label("Topic for the ticked questions").select_option(intent)
    page.get_by_role("button", name="Save labels").click()
    for text, _ in chosen:
        expect(page.locator("#labels-added")).to_contain_text(text)
        expect(page.locator("fieldset.group").filter(has_text=text)).to_have_count(0)
    assert axe_violations(page, "labels-saved-desktop") == []

    # Teach: one training at a time, progress on a page that refreshes itself, then the scores.
    page.goto(f"{sandbox.url}/teach")
    page.get_by_role("button", name="Teach the bot").click()
    expect(page.locator("#training-status")).to_be_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    second = page.request.post(f"{sandbox.url}/teach", form={"csrf_token": csrf_token(page)})
    assert second.status == 409
    expect(page.locator("#training-result")).to_be_visible(timeout=TRAINING_SECONDS * 1000)
    expect(page.locator("#training-result")).to_have_attribute("data-outcome", "accepted")
    expect(page.locator("#scores")).to_contain_text("In-scope accuracy")
    assert axe_violations(page, "teach-result-desktop") == []
    learned = [
        text for text, intent in chosen if CONTENT.answers[intent].text in replies(stack, text)[0]
    ]  # answered now by the running bot
    assert learned, [replies(stack, text)[0] for text, _ in chosen]

    # Roll back to the model that served before: the earlier reply returns.
    page.locator("#models tr").filter(has_text="(serving before)").get_by_role("button").click()
    expect(page.get_by_text("Rolled back: the running bot now answers with the model you chose")).to_be_visible()
    for text in learned:
        assert replies(stack, text)[0] == earlier[text]

    page.goto(f"{sandbox.url}/audit")
    for action in ["Labelled a question", "Started a training", "Training accepted", "Rolled back"]:
        expect(page.locator("#audit tr").filter(has_text=name).filter(has_text=action).first).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    page.goto(f"{sandbox.url}/teach")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert page.dialogs == []


def test_every_page_and_form_without_a_session_leads_to_the_login_or_is_refused(browser, stack, sandbox):
    files, entries = fingerprints(sandbox.data_dir, sandbox.models_dir, sandbox.content_dir), audit_entries(stack)
    page = new_page(browser)
    for path in [
        "/",
        "/unanswered",
        "/helpfulness",
        "/teach",
        "/conversations",
        "/transcript?sender=x",
        "/answers/ask_benefits",
        "/audit",
    ]:
        page.goto(f"{sandbox.url}{path}")
        expect(page).to_have_url(re.compile(r"/login\?next="))
        expect(page.get_by_role("heading", name="Log in to the staff console")).to_be_visible()
    for path in [
        "/unanswered",
        "/helpfulness",
        "/teach",
        "/teach/rollback",
        "/transcript/export",
        "/answers/ask_benefits",
        "/logout",
    ]:
        response = page.request.post(f"{sandbox.url}{path}", form={"csrf_token": "x", "action": "save"})
        assert response.status == 403, path
    assert fingerprints(sandbox.data_dir, sandbox.models_dir, sandbox.content_dir) == files
    assert audit_entries(stack) == entries


def test_forms_without_or_with_a_wrong_csrf_token_are_refused_and_change_nothing(browser, stack, sandbox, staff):
    page = new_page(browser)
    log_in(page, sandbox.url, *staff)
    page.goto(f"{sandbox.url}/answers/ask_benefits")
    version = page.locator("input[name=version]").get_attribute("value")
    files, entries = fingerprints(sandbox.data_dir, sandbox.models_dir, sandbox.content_dir), audit_entries(stack)
    forms = {
        "/unanswered": {"group-0-text": "zxqv blorp", "group-0-intent": "ask_cost"},
        "/helpfulness": {"comment-0-text": "zxqv blorp", "comment-0-intent": "ask_cost"},
        "/teach": {},
        "/teach/rollback": {"model": "x"},
        "/transcript/export": {"sender": "x"},
        "/answers/ask_benefits": {"action": "save", "answer": "Changed.", "detail": "Changed.", "version": version},
        "/logout": {},
    }
    for path, fields in forms.items():
        for token in ({}, {"csrf_token": "not-the-session-token"}):
            response = page.request.post(f"{sandbox.url}{path}", form={**fields, **token})
            assert response.status == 403, (path, token)
            assert "The form was out of date" in response.text()
    assert fingerprints(sandbox.data_dir, sandbox.models_dir, sandbox.content_dir) == files
    assert audit_entries(stack) == entries
    page.goto(f"{sandbox.url}/teach")
    expect(page.get_by_text(f"Signed in as {staff[0]}")).to_be_visible()  # the session is still open


def test_the_sixth_login_is_refused_even_with_the_right_password(browser, stack, sandbox):
    name = f"locked-{secrets.token_hex(3)}"
    assert create_staff(stack, name, f"{PASSWORD}\n{PASSWORD}\n").returncode == 0
    page = new_page(browser)
    page.goto(f"{sandbox.url}/login")
    for attempt in range(5):
        page.get_by_label("Name").fill(name)
        page.get_by_label("Password").fill(f"wrong password {attempt}")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("this account is locked for 15 minutes")
    page.goto(f"{sandbox.url}/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_visitor_html_is_shown_as_text_on_every_page_and_never_runs(browser, stack, staff, conversations):
    page = new_page(browser)
    log_in(page, stack.console_url, *staff)
    pages = {
        "overview": "/",
        "unanswered": "/unanswered",
        "search": "/conversations?q=onerror",
        "transcript": f"/transcript?sender={conversations['attack']}",
        "urgent transcript": f"/transcript?sender={conversations['urgent']}",
    }
    for name, path in pages.items():
        page.goto(f"{stack.console_url}{path}")
        expect(page.locator("main"), name).to_contain_text(ATTACK)
        assert page.locator("main img").count() == 0, name
    with page.expect_download() as download:
        page.get_by_role("button", name="Export as a text file").click()
    assert ATTACK in Path(download.value.path()).read_text()
    assert page.dialogs == []
    assert not [url for url in page.requested if url.rstrip("/").endswith("/x")]


def test_an_expired_session_is_refused(browser, stack, staff, tmp_path):
    with console(stack, tmp_path / "short", CONSOLE_SESSION_MINUTES="0.05") as short:
        page = new_page(browser)
        log_in(page, short.url, *staff)
        token = csrf_token(page)
        time.sleep(4)
        page.goto(f"{short.url}/teach")
        expect(page).to_have_url(re.compile(r"/login\?next=.*expired=1"))
        expect(page.get_by_role("status")).to_contain_text("Your session ended")
        assert page.request.post(f"{short.url}/teach", form={"csrf_token": token}).status == 403


def test_the_session_cookie_is_httponly_and_samesite_strict_and_secure_behind_https(browser, stack, staff):
    page = new_page(browser)
    log_in(page, stack.console_url, *staff)
    [cookie] = [c for c in page.context.cookies() if c["name"] == "console_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]

    session = requests.Session()
    form = session.get(f"{stack.console_url}/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    proxied = session.post(
        f"{stack.console_url}/login",
        data={"csrf_token": token, "name": staff[0], "password": staff[1], "next": "/"},
        headers={"X-Forwarded-Proto": "https"},
        allow_redirects=False,
        timeout=10,
    )
    assert proxied.status_code == 303 and "Secure" in proxied.headers["Set-Cookie"]


def test_the_console_shows_a_vote_cast_in_the_widget_and_its_comment_one_click_from_the_transcript(
    browser, stack, staff
):
    feedback = CONTENT.messages["feedback"]
    comment = f"the cost of a session {ATTACK}"
    widget = new_page(browser)
    widget.goto(stack.web_url)
    widget.get_by_role("button", name="Questions? Chat with us").click()
    expect(widget.locator(".exo-typing")).to_be_hidden(timeout=20000)
    widget.get_by_label("Your question").fill("how long do the results last")
    widget.get_by_label("Your question").press("Enter")
    rating = widget.locator(".exo-rate").first
    rating.get_by_role("button", name=feedback["not_helpful"], exact=True).click()
    rating.get_by_label(feedback["comment"]).fill(comment)
    rating.get_by_role("button", name=feedback["send"]).click()
    expect(rating.get_by_role("status")).to_have_text(feedback["comment_thanks"], timeout=10000)
    sender = json.loads(widget.evaluate("localStorage.getItem('exosome-chat')"))["sender"]

    page = new_page(browser, bypass_csp=True)  # for axe
    log_in(page, stack.console_url, *staff)
    expect(page.locator("#totals-7 [data-count=helpful_share]")).to_have_text(re.compile(r"^\d+\.\d%$"))
    page.get_by_role("link", name="Helpfulness").first.click()
    title = CONTENT.answers["ask_long_term_effects"].title
    expect(page.locator("#ratings-7 tr[data-topic=ask_long_term_effects]")).to_contain_text(title)
    row = page.locator("#not-helpful-list tr").filter(has_text=comment)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(title)
    expect(row.get_by_label(re.compile("^Topic for"))).to_be_visible()  # it can be labelled and taught
    assert page.locator("main img").count() == 0
    assert axe_violations(page, "helpfulness") == []

    row.get_by_role("link", name=re.compile("^Read")).click()

    expect(page).to_have_url(re.compile(r"/transcript\?sender=" + re.escape(sender) + "#answer-[0-9a-f]{32}$"))
    vote = page.locator(".transcript .rating").filter(has_text=comment)
    expect(vote).to_contain_text("Was this helpful? No")
    assert page.dialogs == [] and widget.dialogs == []


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_axe_finds_no_violations_and_pages_fit_a_tablet(browser, stack, staff, conversations, viewport):
    page = new_page(browser, viewport, bypass_csp=True)  # axe is injected as a script
    log_in(page, stack.console_url, *staff)
    pages = {
        "login": "",
        "overview": "/",
        "unanswered": "/unanswered",
        "helpfulness": "/helpfulness",
        "transcript": f"/transcript?sender={conversations['answered']}",
        "answer-editor": "/answers/ask_benefits",
        "answer-preview": "preview",
        "teach": "/teach",
        "conversations": "/conversations?q=exosomes",
        "answers": "/answers",
        "audit": "/audit",
    }
    found = {}
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name, path in pages.items():
        if name == "login":
            new = new_page(browser, viewport, bypass_csp=True)
            new.goto(f"{stack.console_url}/login")
            target = new
        elif path == "preview":
            page.get_by_role("button", name="Preview and check").click()
            expect(page.get_by_role("heading", name="Preview")).to_be_visible()
            target = page
        else:
            page.goto(f"{stack.console_url}{path}")
            target = page
        target.add_script_tag(path=str(AXE))
        result = target.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found[name] = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]]
        target.screenshot(path=str(RESULTS / f"console-{name}-{viewport}.png"), full_page=True)
        width = target.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport]["width"], (name, width)  # nothing wider than the screen
    (RESULTS / f"console-axe-{viewport}.json").write_text(json.dumps(found, indent=2))
    assert found == {name: [] for name in pages}


def test_the_keyboard_reaches_the_skip_link_first_and_it_leads_to_the_page(browser, stack, staff):
    page = new_page(browser)
    log_in(page, stack.console_url, *staff)
    page.goto(f"{stack.console_url}/unanswered")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
