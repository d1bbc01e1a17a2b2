"""The chat widget on the demo clinic page, in Debian's Chromium, against the running bot."""

import json
import re
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from exobot.content import get_content
from tests.browser.conftest import AXE, RESULTS

pytestmark = pytest.mark.browser

CONTENT = get_content()
PHONE = CONTENT.clinic["phone"]


@pytest.fixture
def dialogs() -> list:
    """Messages of every alert/confirm/prompt the page opened."""
    return []


@pytest.fixture
def page(browser: Browser, stack, dialogs) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(stack.web_url)
    yield page
    context.close()


def open_chat(page: Page) -> None:
    """Open the panel and wait for the welcome."""
    page.get_by_role("button", name="Questions? Chat with us").click()
    expect(page.locator(".exo-panel")).to_be_visible()
    expect(bot_bubbles(page).first).to_be_visible(timeout=20000)
    expect(page.locator(".exo-typing")).to_be_hidden(timeout=20000)


def reply_after_last_question(page: Page):
    return page.locator(".exo-user ~ .exo-bot").first


def ask(page: Page, text: str) -> None:
    page.get_by_label("Your question").fill(text)
    page.get_by_label("Your question").press("Enter")


def bot_bubbles(page: Page):
    return page.locator(".exo-bot .exo-bubble")


def test_question_gets_the_curated_answer_and_the_disclaimer(page):
    open_chat(page)
    expect(bot_bubbles(page).first).to_contain_text("Welcome!")
    expect(page.get_by_role("button", name="What are exosomes?")).to_be_visible()

    ask(page, "what are exosomes")

    expect(page.locator(".exo-log")).to_contain_text(CONTENT.disclaimer, timeout=20000)
    expect(page.locator(".exo-log")).to_contain_text(CONTENT.answers["ask_what_are_exosomes"].text)
    expect(page.locator(".exo-user .exo-bubble")).to_have_text("You said: what are exosomes")


def test_quick_reply_sends_its_payload_and_shows_its_title(page):
    open_chat(page)
    ask(page, "what are exosomes")
    follow_up = CONTENT.answers["ask_what_are_exosomes"].follow_ups[0]
    title = CONTENT.title_of(follow_up)

    page.get_by_role("button", name=title).click()

    expect(page.locator(".exo-user .exo-bubble").last).to_have_text(f"You said: {title}")
    expect(page.locator(".exo-log")).to_contain_text(CONTENT.answers[follow_up].text, timeout=20000)


def test_transcript_survives_a_reload_and_new_conversation_clears_it(page):
    open_chat(page)
    ask(page, "is it safe")
    expect(page.locator(".exo-log")).to_contain_text(CONTENT.answers["ask_safety_risks"].text, timeout=20000)
    sender = json.loads(page.evaluate("localStorage.getItem('exosome-chat')"))["sender"]

    page.reload()

    expect(page.locator(".exo-panel")).to_be_visible()
    expect(page.locator(".exo-log")).to_contain_text(CONTENT.answers["ask_safety_risks"].text)
    assert json.loads(page.evaluate("localStorage.getItem('exosome-chat')"))["sender"] == sender

    page.get_by_role("button", name="New conversation").click()

    expect(page.locator(".exo-log")).not_to_contain_text(CONTENT.answers["ask_safety_risks"].text)
    assert json.loads(page.evaluate("localStorage.getItem('exosome-chat')"))["sender"] != sender


@pytest.mark.parametrize("failure", ["unreachable", "empty reply", "server error"])
def test_bot_failure_shows_the_clinic_phone_and_keeps_the_question(page, failure):
    def fail(route):
        if failure == "unreachable":
            route.abort()
        elif failure == "empty reply":
            route.fulfill(status=200, content_type="application/json", body="[]")
        else:
            route.fulfill(status=500, body="error")

    page.route("**/webhooks/rest/webhook", fail)
    open_chat(page)
    expect(bot_bubbles(page).first).to_contain_text("Hello! I can answer")  # the page's own greeting

    ask(page, "does it hurt")

    expect(page.locator(".exo-log")).to_contain_text(PHONE, timeout=20000)
    expect(page.get_by_label("Your question")).to_have_value("does it hurt")
    expect(page.locator(".exo-typing")).to_be_hidden()


def test_html_in_messages_is_shown_as_text_and_never_runs(page, dialogs):
    open_chat(page)
    attack = "<img src=x onerror=alert(1)>"

    ask(page, attack)

    expect(page.locator(".exo-user .exo-bubble")).to_have_text(f"You said: {attack}")
    expect(reply_after_last_question(page)).to_be_visible(timeout=20000)
    assert page.locator(".exo-log img").count() == 0
    assert dialogs == []


def test_only_https_links_become_links(page):
    open_chat(page)
    page.route(
        "**/webhooks/rest/webhook",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                [{"text": "Book at https://example-clinic.test/book or javascript:alert(1) or http://plain.test"}]
            ),
        ),
    )

    ask(page, "book")

    links = page.locator(".exo-log a")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://example-clinic.test/book")
    expect(links).to_have_attribute("rel", "noopener noreferrer")


def test_keyboard_opens_sends_and_escape_returns_focus(page):
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Questions? Chat with us")).to_be_focused()

    page.keyboard.press("Enter")

    expect(page.get_by_label("Your question")).to_be_focused()
    expect(page.locator(".exo-typing")).to_be_hidden(timeout=20000)  # the welcome has arrived
    page.keyboard.type("what are exosomes")
    page.keyboard.press("Enter")
    expect(page.locator(".exo-log")).to_contain_text(CONTENT.disclaimer, timeout=20000)
    page.keyboard.press("Escape")
    expect(page.locator(".exo-panel")).to_be_hidden()
    expect(page.get_by_role("button", name="Questions? Chat with us")).to_be_focused()


def test_page_sends_a_content_security_policy_and_loads_nothing_from_outside(browser, stack):
    context = browser.new_context()
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto(stack.web_url)
    open_chat(page)
    ask(page, "hello")
    expect(reply_after_last_question(page)).to_be_visible(timeout=20000)

    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert f"connect-src {stack.rasa_url}" in policy
    assert all(re.match(r"http://127\.0\.0\.1:\d+/", url) for url in requested), requested
    context.close()


def test_axe_finds_no_accessibility_violations(browser, stack):
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    page.goto(stack.web_url)
    open_chat(page)
    ask(page, "what are exosomes")
    expect(page.locator(".exo-log")).to_contain_text(CONTENT.disclaimer, timeout=20000)

    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "axe.json").write_text(json.dumps(result["violations"], indent=2))
    page.screenshot(path=str(RESULTS / "widget-desktop.png"))
    assert [violation["id"] for violation in result["violations"]] == []
    context.close()


def test_phone_sized_screen_shows_the_panel_full_width(browser, stack):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(stack.web_url)
    open_chat(page)
    ask(page, "will it help my hair loss")
    expect(page.locator(".exo-log")).to_contain_text(CONTENT.disclaimer, timeout=20000)

    box = page.locator(".exo-panel").bounding_box()
    RESULTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS / "widget-phone.png"))

    assert box["x"] == 0 and box["width"] == 375
    expect(page.get_by_label("Your question")).to_be_in_viewport()
    context.close()
