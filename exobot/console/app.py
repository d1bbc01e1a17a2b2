"""The console's web application (aiohttp): routes, sessions and CSRF checks, security headers, page rendering."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import date, datetime
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from exobot.console import answers, audit, conversations, helpfulness, stats, training, unanswered
from exobot.console.accounts import LOCK_SECONDS, OK, log_in
from exobot.console.database import Database
from exobot.console.sessions import (
    COOKIE,
    LOGIN_COOKIE,
    end_session,
    find_session,
    forget_idle_sessions,
    new_token,
    start_session,
    tokens_match,
)
from exobot.console.settings import Settings
from exobot.paths import ROOT

WEB_DIR = ROOT / "web" / "console"
TEMPLATES, STATIC = WEB_DIR / "templates", WEB_DIR / "static"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
MAX_FORM_BYTES = 256 * 1024
LOGIN_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
PAGES = web.AppKey("pages", jinja2.Environment)
TRAINER = web.AppKey("trainer", training.Trainer)
ENCODER = web.AppKey("encoder", unanswered.Encoder)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def when(timestamp: Optional[float], style: str = "%Y-%m-%d %H:%M") -> str:
    """A timestamp as the server's local date and time."""
    return datetime.fromtimestamp(timestamp).strftime(style) if timestamp else ""


def percent(share: Optional[float]) -> str:
    """0.1234 as 12.3%."""
    return "" if share is None else f"{share:.1%}"


def pages() -> jinja2.Environment:
    """The page templates, every value escaped in HTML (the transcript export is plain text)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), disabled_extensions=("txt",)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(when=when, percent=percent)
    return environment


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """A page from its template, with the session's name and CSRF token for the forms."""
    session = request.get("session")
    html = (
        request.app[PAGES]
        .get_template(template)
        .render(
            staff=session.staff if session else "",
            csrf_token=session.csrf_token if session else "",
            path=request.path,
            **context,
        )
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def refused(request: web.Request, problem: str, status: int = 403) -> web.Response:
    """The page that says why a request was refused (login_required, expired, csrf, not_found...)."""
    return render(request, "refused.html", status=status, problem=problem)


def secure(request: web.Request) -> bool:
    """Whether cookies must be Secure: configured, or the reverse proxy says the visitor came over HTTPS."""
    return request.app[SETTINGS].secure_cookies or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, path: str = "/") -> None:
    """An HttpOnly, SameSite=Strict cookie (Secure behind HTTPS) that lasts until the browser closes."""
    response.set_cookie(name, value, path=path, httponly=True, samesite="Strict", secure=secure(request))


async def in_thread(function: Callable, *arguments: Any) -> Any:
    """Run blocking work (database, sentence encoder, checks) without holding up other requests."""
    return await asyncio.to_thread(function, *arguments)


def local_path(value: str) -> str:
    """`value` if it is a path on this site, else the overview (no redirect to other sites)."""
    return value if value.startswith("/") and not value.startswith(("//", "/\\")) else "/"


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Nothing runs in the pages, nothing is loaded from elsewhere, no page may be framed or cached."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"


@web.middleware
async def not_found_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """404 and 405 as pages."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return refused(request, "not_found", 404)
    except web.HTTPMethodNotAllowed:
        return refused(request, "not_allowed", 405)


@web.middleware
async def require_session(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every page but the login needs a session; every form sent needs the session's CSRF token."""
    if request.path == "/login" or request.path.startswith("/static/"):
        return await handler(request)
    if request.path == "/favicon.ico":
        raise web.HTTPNotFound()
    settings, database = request.app[SETTINGS], request.app[DATABASE]
    token = request.cookies.get(COOKIE, "")
    session, expired = await in_thread(find_session, database, token, time.time(), settings.session_minutes * 60)
    if session is None:
        if request.method in ("GET", "HEAD"):
            query = {"next": request.path_qs, **({"expired": "1"} if expired else {})}
            raise web.HTTPSeeOther(f"/login?{urlencode(query)}")
        return refused(request, "expired" if expired else "login_required")
    request["session"] = session
    if request.method == "POST":
        form = await request.post()
        if not tokens_match(session.csrf_token, str(form.get("csrf_token", ""))):
            return refused(request, "csrf")
    return await handler(request)


async def login_page(request: web.Request, outcome: str = "", status: int = 200, next_path: str = "") -> web.Response:
    """The login form with a CSRF token, also set in a cookie for the form's answer (kept across reloads)."""
    token = request.cookies.get(LOGIN_COOKIE, "")
    token = token if LOGIN_TOKEN.fullmatch(token) else new_token()
    response = render(
        request,
        "login.html",
        status=status,
        login_token=token,
        outcome=outcome or ("expired" if request.query.get("expired") else request.query.get("done", "")),
        next=local_path(next_path or request.query.get("next", "/")),
        locked_minutes=LOCK_SECONDS // 60,
    )
    set_cookie(request, response, LOGIN_COOKIE, token, path="/login")
    return response


async def log_in_page(request: web.Request) -> web.StreamResponse:
    """Check the name and password; a session starts, or the form comes back saying why not."""
    form = await request.post()
    if not tokens_match(request.cookies.get(LOGIN_COOKIE, ""), str(form.get("csrf_token", ""))):
        return refused(request, "csrf")
    database, now = request.app[DATABASE], time.time()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    result = await in_thread(log_in, database, name, password, now)
    if result.outcome != OK:
        if result.just_locked:
            await in_thread(audit.record, database, name, "account_locked", "", now)
        return await login_page(request, result.outcome, 401, str(form.get("next", "")))
    await in_thread(forget_idle_sessions, database, now, request.app[SETTINGS].session_minutes * 60)
    token, _ = await in_thread(start_session, database, name, now)
    await in_thread(audit.record, database, name, "login", "", now)
    response = web.HTTPSeeOther(local_path(str(form.get("next", "/"))))
    set_cookie(request, response, COOKIE, token)
    response.del_cookie(LOGIN_COOKIE, path="/login")
    raise response


async def log_out(request: web.Request) -> web.StreamResponse:
    """End the session."""
    database = request.app[DATABASE]
    await in_thread(end_session, database, request.cookies.get(COOKIE, ""))
    await in_thread(audit.record, database, request["session"].staff, "logout")
    response = web.HTTPSeeOther("/login?done=logged_out")
    response.del_cookie(COOKIE, path="/")
    raise response


def titles(settings: Settings) -> Dict[str, str]:
    """Each topic's button title, by intent."""
    content = answers.load(settings.content_dir)
    return dict(answers.topics(content))


async def overview_page(request: web.Request) -> web.Response:
    """Conversations, outcomes, top topics and urgent-care conversations of the last 7 and 30 days."""
    settings = request.app[SETTINGS]
    named = titles(settings)
    summary = await in_thread(stats.overview, request.app[DATABASE], time.time(), set(named))
    helpful = await in_thread(helpfulness.periods, request.app[DATABASE], time.time())
    return render(request, "overview.html", overview=summary, titles=named, outcomes=stats.OUTCOMES, helpful=helpful)


async def unanswered_page(request: web.Request, result: Optional[unanswered.LabelResult] = None) -> web.Response:
    """The unanswered questions in groups, each with an intent picker."""
    settings = request.app[SETTINGS]
    since = time.time() - settings.purge_days * stats.DAY
    groups = await in_thread(
        unanswered.open_groups,
        request.app[DATABASE],
        request.app[ENCODER],
        since,
        settings.nlu_dir,
        settings.unanswered_confidence,
        settings.similarity,
    )
    return render(
        request,
        "unanswered.html",
        groups=groups,
        result=result,
        intents=unanswered.teachable(),
        titles=titles(settings),
        skip=unanswered.SKIP,
        settings=settings,
    )


async def save_labels(request: web.Request) -> web.Response:
    """Add the chosen labels to the training data (through `make import`'s checks) and record skips."""
    form = await request.post()
    choices = []
    for key in form:
        match = re.fullmatch(r"group-(\d+)-intent", key)
        if match and form[key]:
            choices += [(str(text), str(form[key])) for text in form.getall(f"group-{match.group(1)}-text", [])]
    return await unanswered_page(request, await label_and_record(request, choices))


async def label_and_record(request: web.Request, choices: List[tuple]) -> unanswered.LabelResult:
    """Add the labels to the training data (through `make import`'s checks), record skips, log both."""
    settings, database, staff = request.app[SETTINGS], request.app[DATABASE], request["session"].staff
    result = await in_thread(unanswered.label, database, staff, choices, settings.nlu_dir, time.time())
    for text, intent in result.added:
        await in_thread(audit.record, database, staff, "label", f"{intent}: {text}")
    for text in result.skipped:
        await in_thread(audit.record, database, staff, "skip", text)
    return result


async def helpfulness_page(request: web.Request, result: Optional[unanswered.LabelResult] = None) -> web.Response:
    """Each answer's helpful share (lowest first), and every No with its comment, to label like a question."""
    settings, database, now = request.app[SETTINGS], request.app[DATABASE], time.time()
    return render(
        request,
        "helpfulness.html",
        periods=await in_thread(helpfulness.periods, database, now),
        not_helpful=await in_thread(helpfulness.not_helpful, database, now - settings.purge_days * stats.DAY),
        handled=await in_thread(unanswered.handled_texts, database, settings.nlu_dir),
        result=result,
        intents=unanswered.teachable(),
        titles=titles(settings),
        skip=unanswered.SKIP,
        settings=settings,
    )


async def save_comment_labels(request: web.Request) -> web.Response:
    """Label the comments of No votes as the Unanswered questions page labels questions."""
    form = await request.post()
    choices = []
    for key in form:
        match = re.fullmatch(r"comment-(\d+)-intent", key)
        if match and form[key]:
            choices.append((str(form.get(f"comment-{match.group(1)}-text", "")), str(form[key])))
    return await helpfulness_page(request, await label_and_record(request, choices))


async def teach_page(request: web.Request, notice: str = "", status: int = 200) -> web.Response:
    """The training's progress or result, the serving model's scores and the kept models."""
    settings, trainer = request.app[SETTINGS], request.app[TRAINER]
    run = trainer.latest
    summary, changed = training.score_changes(run.before, run.after) if run and not run.running else ([], [])
    return render(
        request,
        "teach.html",
        status=status,
        run=run,
        summary=summary,
        changed=changed,
        notice=notice,
        serving=training.serving_scores(settings.models_dir),
        models=await in_thread(training.history, settings.models_dir),
        titles=titles(settings),
        now=time.time(),
        refresh=request.query.get("refresh") != "off",
        rasa_url=settings.rasa_url,
    )


async def start_training(request: web.Request) -> web.StreamResponse:
    """Start the gated training in the background, unless one is running."""
    staff = request["session"].staff
    try:
        request.app[TRAINER].start(staff)
    except training.Busy:
        return await teach_page(request, "busy", 409)
    await in_thread(audit.record, request.app[DATABASE], staff, "training_started")
    raise web.HTTPSeeOther("/teach")


async def roll_back(request: web.Request) -> web.StreamResponse:
    """Load a kept model into the running bot and make it the serving model."""
    settings, trainer, staff = request.app[SETTINGS], request.app[TRAINER], request["session"].staff
    stamp = str((await request.post()).get("model", ""))
    if trainer.running:
        return await teach_page(request, "busy", 409)
    try:
        outcome = await in_thread(training.roll_back, settings.models_dir, stamp, settings.rasa_url)
    except KeyError:
        return refused(request, "not_found", 404)
    except training.Busy:
        return await teach_page(request, "busy", 409)
    await in_thread(audit.record, request.app[DATABASE], staff, "rollback", f"{stamp} ({outcome})")
    return await teach_page(request, f"rollback_{outcome}")


def parse_date(value: str) -> Optional[date]:
    """A yyyy-mm-dd date from a form, or None."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


async def conversations_page(request: web.Request) -> web.Response:
    """Search the conversations by text and date."""
    settings, database = request.app[SETTINGS], request.app[DATABASE]
    text = request.query.get("q", "")[:200]
    start, end = parse_date(request.query.get("from", "")), parse_date(request.query.get("to", ""))
    found = await in_thread(conversations.search, database, text, start, end)
    return render(
        request,
        "conversations.html",
        found=found,
        q=text,
        start=start.isoformat() if start else "",
        end=end.isoformat() if end else "",
        bad_date=any(request.query.get(key) and not parse_date(request.query[key]) for key in ("from", "to")),
        oldest=await in_thread(conversations.oldest_message, database),
        purge_days=settings.purge_days,
        limit=conversations.LISTED,
    )


async def transcript_page(request: web.Request) -> web.Response:
    """One conversation, each visitor message with its recognised intent, confidence and outcome."""
    sender = request.query.get("sender", "")
    lines = await in_thread(conversations.transcript, request.app[DATABASE], sender)
    if not lines:
        return refused(request, "not_found", 404)
    votes = await in_thread(helpfulness.votes_of, request.app[DATABASE], sender)
    return render(
        request, "transcript.html", sender=sender, lines=lines, titles=titles(request.app[SETTINGS]), votes=votes
    )


async def export_transcript(request: web.Request) -> web.Response:
    """A conversation as a text file (recorded in the audit log)."""
    sender = str((await request.post()).get("sender", ""))
    database = request.app[DATABASE]
    lines = await in_thread(conversations.transcript, database, sender)
    if not lines:
        return refused(request, "not_found", 404)
    await in_thread(audit.record, database, request["session"].staff, "export", sender)
    text = request.app[PAGES].get_template("transcript.txt").render(sender=sender, lines=lines)
    filename = "conversation-" + re.sub(r"[^A-Za-z0-9_-]", "_", sender)[:60] + ".txt"
    return web.Response(
        text=text,
        content_type="text/plain",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def answers_page(request: web.Request) -> web.Response:
    """Every answer, to pick one to edit."""
    content = answers.load(request.app[SETTINGS].content_dir)
    return render(request, "answers.html", answers=list(content.answers.values()))


def editor(
    request: web.Request,
    edit: answers.AnswerEdit,
    version: str,
    status: int = 200,
    problems: Optional[List[str]] = None,
    notice: str = "",
) -> web.Response:
    """The answer editor with the edit's values, its preview and the checks' problems."""
    content = answers.load(request.app[SETTINGS].content_dir)
    follow_ups = list(edit.follow_ups) + [""] * max(0, answers.FOLLOW_UPS - len(edit.follow_ups))
    return render(
        request,
        "answer_edit.html",
        status=status,
        edit=edit,
        answer=content.answers[edit.intent],
        follow_ups=follow_ups,
        topics=answers.topics(content),
        preview=answers.preview(content, edit),
        problems=problems,
        notice=notice,
        version=version,
    )


def chosen_answer(request: web.Request) -> Optional[str]:
    """The intent in the address, if it has an answer."""
    content = answers.load(request.app[SETTINGS].content_dir)
    intent = request.match_info["intent"]
    return intent if intent in content.answers else None


async def answer_page(request: web.Request) -> web.Response:
    """The editor of one answer."""
    intent = chosen_answer(request)
    if intent is None:
        return refused(request, "not_found", 404)
    content_dir = request.app[SETTINGS].content_dir
    return editor(request, answers.current_edit(answers.load(content_dir), intent), answers.version(content_dir))


async def edit_answer(request: web.Request) -> web.Response:
    """Preview the edit with the checks' verdict, or save it if the checks pass."""
    intent = chosen_answer(request)
    if intent is None:
        return refused(request, "not_found", 404)
    form = await request.post()
    content_dir, staff = request.app[SETTINGS].content_dir, request["session"].staff
    follow_ups = [str(form.get(f"follow_up_{number}", "")) for number in range(1, answers.FOLLOW_UPS + 1)]
    edit = answers.edit_from_form(intent, str(form.get("answer", "")), str(form.get("detail", "")), follow_ups)
    version = str(form.get("version", ""))
    problems = await in_thread(answers.problems, content_dir, edit)
    if form.get("action") != "save":
        return editor(request, edit, version, problems=problems, notice="previewed")
    if problems:
        return editor(request, edit, version, 422, problems, "not_saved")
    try:
        await in_thread(answers.save, content_dir, edit, version)
    except answers.ChangedMeanwhile:
        return editor(request, edit, version, 409, [], "changed_meanwhile")
    await in_thread(audit.record, request.app[DATABASE], staff, "answer_edit", intent)
    saved = answers.current_edit(answers.load(content_dir), intent)
    return editor(request, saved, answers.version(content_dir), notice="saved")


async def audit_page(request: web.Request) -> web.Response:
    """The latest changes, who made them and when."""
    return render(request, "audit.html", entries=await in_thread(audit.recent, request.app[DATABASE]))


def training_finished(database: Database) -> Callable[[training.TrainingRun], None]:
    """Record a training's outcome in the audit log when it ends."""

    def finished(run: training.TrainingRun) -> None:
        audit.record(database, run.started_by, f"training_{run.outcome}")

    return finished


async def stop_training(app: web.Application) -> None:
    """A training still running when the console stops is ended."""
    app[TRAINER].stop()


def create_app(settings: Settings, database: Database) -> web.Application:
    """The console, its routes and checks."""
    app = web.Application(middlewares=[not_found_pages, require_session], client_max_size=MAX_FORM_BYTES)
    app[SETTINGS], app[DATABASE], app[PAGES] = settings, database, pages()
    app[ENCODER] = unanswered.Encoder()
    app[TRAINER] = training.Trainer(
        settings.models_dir, settings.data_dir, settings.rasa_url, training_finished(database)
    )
    app.on_response_prepare.append(add_security_headers)
    app.on_cleanup.append(stop_training)
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", log_in_page)
    app.router.add_post("/logout", log_out)
    app.router.add_get("/", overview_page)
    app.router.add_get("/unanswered", unanswered_page)
    app.router.add_post("/unanswered", save_labels)
    app.router.add_get("/helpfulness", helpfulness_page)
    app.router.add_post("/helpfulness", save_comment_labels)
    app.router.add_get("/teach", teach_page)
    app.router.add_post("/teach", start_training)
    app.router.add_post("/teach/rollback", roll_back)
    app.router.add_get("/conversations", conversations_page)
    app.router.add_get("/transcript", transcript_page)
    app.router.add_post("/transcript/export", export_transcript)
    app.router.add_get("/answers", answers_page)
    app.router.add_get("/answers/{intent}", answer_page)
    app.router.add_post("/answers/{intent}", edit_answer)
    app.router.add_get("/audit", audit_page)
    app.router.add_static("/static/", STATIC)
    return app
