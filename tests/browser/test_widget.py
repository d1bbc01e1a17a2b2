"""The chat widget on the demo clinic page, in Debian's Chromium, against the running bot."""

import json
import re
from typing import Iterator

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from exobot.content import get_content
from exobot.server.feedback import FEEDBACK as FEEDBACK_TABLE
from exobot.tools.conversations import open_tracker_store
from tests.browser.conftest import AXE, RESULTS
from tests.visitor import Visitor

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


# ---- "Was this helpful?" under answers ----

FEEDBACK = CONTENT.messages["feedback"]


def ratings(page: Page):
    return page.locator(".exo-rate")


def stored_votes(stack) -> list:
    """The votes the running bot keeps, as (sender, topic, helpful, comment)."""
    engine = open_tracker_store(stack.state_dir / "endpoints.yml").engine
    with engine.connect() as connection:
        rows = connection.execute(sa.select(FEEDBACK_TABLE).order_by(FEEDBACK_TABLE.c.voted_at))
        return [(row.sender_id, row.topic, row.helpful, row.comment) for row in rows]


def sender_of(page: Page) -> str:
    return json.loads(page.evaluate("localStorage.getItem('exosome-chat')"))["sender"]


def test_only_answers_ask_whether_they_helped(page):
    open_chat(page)
    for message in ["hello", "how much does it cost", "my face is swollen after my treatment"]:
        count = bot_bubbles(page).count()
        ask(page, message)
        expect(bot_bubbles(page)).not_to_have_count(count, timeout=20000)
        expect(page.locator(".exo-typing")).to_be_hidden(timeout=20000)
    expect(ratings(page)).to_have_count(0)

    ask(page, "what are exosomes")

    expect(ratings(page)).to_have_count(1, timeout=20000)
    rating = ratings(page).first
    expect(rating).to_have_attribute("role", "group")
    expect(page.get_by_role("group", name=FEEDBACK["question"])).to_be_visible()
    expect(rating.get_by_role("button", name=FEEDBACK["helpful"])).to_have_attribute("aria-pressed", "false")
    expect(rating.get_by_label(FEEDBACK["comment"])).to_be_hidden()
    ask(page, "yes")  # the longer answer is asked about too
    expect(ratings(page)).to_have_count(2, timeout=20000)


def test_a_vote_is_kept_changed_and_a_no_takes_a_comment(page, stack):
    open_chat(page)
    ask(page, "what are exosomes")
    rating = ratings(page).first
    yes = rating.get_by_role("button", name=FEEDBACK["helpful"], exact=True)
    no = rating.get_by_role("button", name=FEEDBACK["not_helpful"], exact=True)
    sender = sender_of(page)

    yes.click()

    expect(yes).to_have_attribute("aria-pressed", "true", timeout=10000)
    expect(rating.get_by_role("status")).to_have_text(FEEDBACK["thanks"])
    assert [vote for vote in stored_votes(stack) if vote[0] == sender] == [(sender, "ask_what_are_exosomes", True, "")]

    no.click()
    expect(no).to_have_attribute("aria-pressed", "true", timeout=10000)
    expect(yes).to_have_attribute("aria-pressed", "false")
    box = rating.get_by_label(FEEDBACK["comment"])
    expect(box).to_be_visible()
    expect(box).to_have_attribute("maxlength", "300")
    box.fill("how much a session costs")
    rating.get_by_role("button", name=FEEDBACK["send"]).click()

    expect(rating.get_by_role("status")).to_have_text(FEEDBACK["comment_thanks"], timeout=10000)
    expect(box).to_be_hidden()
    assert [vote for vote in stored_votes(stack) if vote[0] == sender] == [
        (sender, "ask_what_are_exosomes", False, "how much a session costs")
    ]

    page.reload()  # the vote survives a reload, still changeable
    rating = ratings(page).first
    expect(rating.get_by_role("button", name=FEEDBACK["not_helpful"], exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(rating.get_by_label(FEEDBACK["comment"])).to_be_hidden()


def test_voting_and_commenting_with_the_keyboard_only(page, stack):
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".exo-typing")).to_be_hidden(timeout=20000)
    page.keyboard.type("is it safe")
    page.keyboard.press("Enter")
    expect(ratings(page)).to_have_count(1, timeout=20000)
    sender = sender_of(page)

    page.keyboard.press("Shift+Tab")  # from the question box back to the last thing in the conversation
    no = ratings(page).get_by_role("button", name=FEEDBACK["not_helpful"], exact=True)
    expect(no).to_be_focused()
    page.keyboard.press("Enter")
    expect(no).to_have_attribute("aria-pressed", "true", timeout=10000)
    page.keyboard.press("Tab")
    expect(ratings(page).get_by_label(FEEDBACK["comment"])).to_be_focused()
    page.keyboard.type("whether it is safe during pregnancy")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(ratings(page).get_by_role("status")).to_have_text(FEEDBACK["comment_thanks"], timeout=10000)
    expect(no).to_be_focused()  # the comment box went away; focus stays in the rating
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")

    yes = ratings(page).get_by_role("button", name=FEEDBACK["helpful"], exact=True)
    expect(yes).to_have_attribute("aria-pressed", "true", timeout=10000)
    assert [vote for vote in stored_votes(stack) if vote[0] == sender] == [(sender, "ask_safety_risks", True, "")]


def test_axe_finds_no_violations_with_the_rating_and_the_comment_box_shown(browser, stack):
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    page.goto(stack.web_url)
    open_chat(page)
    ask(page, "what are exosomes")
    expect(ratings(page)).to_have_count(1, timeout=20000)
    page.add_script_tag(path=str(AXE))
    found = {}
    found["rating"] = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    ratings(page).get_by_role("button", name=FEEDBACK["not_helpful"], exact=True).click()
    expect(ratings(page).get_by_label(FEEDBACK["comment"])).to_be_visible(timeout=10000)
    ratings(page).get_by_label(FEEDBACK["comment"]).fill("the price")
    found["comment box"] = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]

    RESULTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS / "widget-helpful.png"))
    (RESULTS / "axe-helpful.json").write_text(json.dumps(found, indent=2))
    assert {name: [v["id"] for v in violations] for name, violations in found.items()} == {
        "rating": [],
        "comment box": [],
    }
    context.close()


def test_hostile_votes_are_refused(stack):
    url = f"{stack.rasa_url}/webhooks/rest/feedback"
    visitor, other = Visitor(stack.rasa_url), Visitor(stack.rasa_url)
    answer = next(r["custom"]["feedback"]["id"] for r in visitor.say("what are exosomes") if "custom" in r)
    others = next(r["custom"]["feedback"]["id"] for r in other.say("is it safe") if "custom" in r)
    before = stored_votes(stack)

    def vote(payload=None, raw=None):
        data = raw if raw is not None else json.dumps(payload)
        return requests.post(url, data=data, headers={"Content-Type": "application/json"}, timeout=10)

    refused = {
        "not JSON": vote(raw="vote=yes"),
        "a list": vote(["yes"]),
        "no answer id": vote({"sender": visitor.sender, "vote": "yes"}),
        "not an answer id": vote({"sender": visitor.sender, "answer": "' OR 1=1 --", "vote": "yes"}),
        "neither yes nor no": vote({"sender": visitor.sender, "answer": answer, "vote": "maybe"}),
        "a comment over 300 characters": vote(
            {"sender": visitor.sender, "answer": answer, "vote": "no", "comment": "x" * 301}
        ),
        "a big body": vote(raw=json.dumps({"sender": visitor.sender, "answer": answer, "vote": "no", "x": "y" * 5000})),
    }
    for case, response in refused.items():
        assert response.status_code == 400, case
        assert response.json()["error"], case
    never = {
        "an answer never given": vote({"sender": visitor.sender, "answer": "0" * 32, "vote": "yes"}),
        "another conversation's answer": vote({"sender": visitor.sender, "answer": others, "vote": "no"}),
        "an unknown conversation": vote({"sender": "nobody-" + visitor.sender, "answer": answer, "vote": "no"}),
    }
    for case, response in never.items():
        assert response.status_code == 404 and "no answer" in response.json()["error"], case
    huge = requests.post(url, data="x" * 70_000, headers={"Content-Type": "application/json"}, timeout=10)
    assert huge.status_code == 413
    assert stored_votes(stack) == before

    # The answer's own conversation may vote; more than five votes a minute from it are refused.
    quick = [vote({"sender": visitor.sender, "answer": answer, "vote": v}).status_code for v in ["yes", "no"] * 3]
    assert quick == [200, 200, 200, 429, 429, 429]  # the two 404s above counted for this conversation too
    assert [v[1:] for v in stored_votes(stack) if v[0] == visitor.sender] == [("ask_what_are_exosomes", True, "")]
