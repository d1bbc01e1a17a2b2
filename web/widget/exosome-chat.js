/*
 * Exosome FAQ chat widget: one <script> tag, no dependencies, talks to Rasa's REST channel.
 *
 *   <link rel="stylesheet" href="/widget/exosome-chat.css">
 *   <script src="/widget/exosome-chat.js" defer
 *           data-bot-url="https://bot.example-clinic.test"
 *           data-clinic-name="Example Aesthetics Clinic"
 *           data-phone="+44 20 0000 0000"
 *           data-greeting="Hello! Ask me about exosome treatments."
 *           data-color="#0b5d63"></script>
 *
 * Every text is inserted with textContent, never as HTML; only https: links become links.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var config = {
    botUrl: (data.botUrl || "http://127.0.0.1:5005").replace(/\/+$/, ""),
    clinicName: data.clinicName || "our clinic",
    phone: data.phone || "",
    greeting: data.greeting || "Hello! I can answer general questions about exosome treatments. What would you like to know?",
    color: data.color || "",
    timeoutMs: Number(data.timeoutMs) || 15000,
    storageKey: data.storageKey || "exosome-chat",
  };
  var URL_PATTERN = /(https:\/\/[^\s<>"')]+[^\s<>"').,;:!?])/g;

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(config.storageKey) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.messages)) return saved;
    } catch (error) { /* unreadable storage: start a new conversation */ }
    return { sender: newSenderId(), messages: [], open: false };
  }

  function newSenderId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "visitor-" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  var state = load();

  function save() {
    try { window.localStorage.setItem(config.storageKey, JSON.stringify(state)); } catch (error) { /* private mode */ }
  }

  // ---- the widget's elements ----
  var root = el("div", { class: "exo-chat" });
  if (config.color) root.style.setProperty("--exo-color", config.color);
  var launcher = el("button", { type: "button", class: "exo-launcher", "aria-expanded": "false", "aria-controls": "exo-chat-panel" }, "Questions? Chat with us");
  var panel = el("section", { id: "exo-chat-panel", class: "exo-panel", "aria-label": "Chat about exosome treatments with " + config.clinicName, hidden: "" });
  var header = el("div", { class: "exo-header" });
  var title = el("h2", { class: "exo-title" }, config.clinicName + " assistant");
  var restart = el("button", { type: "button", class: "exo-restart" }, "New conversation");
  var close = el("button", { type: "button", class: "exo-close", "aria-label": "Close chat" }, "\u00d7");
  var log = el("div", { class: "exo-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  var typing = el("p", { class: "exo-typing", hidden: "" }, "The assistant is typing\u2026");
  var form = el("form", { class: "exo-form" });
  var label = el("label", { for: "exo-chat-input", class: "exo-visually-hidden" }, "Your question");
  var input = el("input", { id: "exo-chat-input", class: "exo-input", type: "text", autocomplete: "off", maxlength: "1000", placeholder: "Type your question\u2026" });
  var send = el("button", { type: "submit", class: "exo-send" }, "Send");

  header.append(title, restart, close);
  form.append(label, input, send);
  panel.append(header, log, typing, form);
  root.append(launcher, panel);

  // ---- rendering ----
  function appendText(node, text) {
    var parts = String(text).split(URL_PATTERN);
    parts.forEach(function (part, index) {
      if (index % 2 === 1) {
        var link = el("a", { href: part, target: "_blank", rel: "noopener noreferrer" }, part);
        node.appendChild(link);
      } else if (part) {
        node.appendChild(document.createTextNode(part));
      }
    });
  }

  function render(message) {
    if (message.feedback) {
      log.appendChild(rating(message.feedback));
      log.scrollTop = log.scrollHeight;
      return;
    }
    var item = el("div", { class: "exo-message exo-" + message.from });
    var speaker = el("span", { class: "exo-visually-hidden" }, message.from === "user" ? "You said: " : "Assistant: ");
    var bubble = el("p", { class: "exo-bubble" });
    bubble.appendChild(speaker);
    appendText(bubble, message.text || "");
    item.appendChild(bubble);
    if (message.buttons && message.buttons.length) {
      var choices = el("div", { class: "exo-buttons", role: "group", "aria-label": "Suggested questions" });
      message.buttons.forEach(function (button) {
        var choice = el("button", { type: "button", class: "exo-choice" }, String(button.title || button.payload));
        choice.addEventListener("click", function () { ask(String(button.payload), String(button.title || button.payload)); });
        choices.appendChild(choice);
      });
      item.appendChild(choices);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  // ---- "Was this helpful?" under an answer: one vote per answer, changeable; after No an optional comment ----
  function rating(f) {
    var box = el("div", { class: "exo-message exo-rate", role: "group", "aria-labelledby": "exo-q-" + f.id });
    var comment = el("form", { class: "exo-comment" });
    var area = el("textarea", { id: "exo-c-" + f.id, maxlength: "300", rows: "2" });
    var status = el("p", { class: "exo-status", role: "status" });
    var votes = {};
    box.appendChild(el("span", { id: "exo-q-" + f.id }, f.question));
    ["yes", "no"].forEach(function (vote) {
      votes[vote] = el("button", { type: "button", class: "exo-vote" }, vote === "yes" ? f.helpful : f.not_helpful);
      votes[vote].addEventListener("click", function () { if (f.vote !== vote) send({ vote: vote }, f.thanks); });
      box.appendChild(votes[vote]);
    });
    comment.append(el("label", { for: area.id }, f.comment), area, el("button", { type: "submit", class: "exo-send" }, f.send));
    box.append(comment, status);
    function show() {
      ["yes", "no"].forEach(function (vote) { votes[vote].setAttribute("aria-pressed", String(f.vote === vote)); });
      comment.hidden = f.vote !== "no" || f.commented;
    }
    function send(body, thanks) {
      body.sender = state.sender;
      body.answer = f.id;
      fetch(config.botUrl + "/webhooks/rest/feedback", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          f.vote = body.vote;
          f.commented = !!body.comment;
          save();
          if (f.commented) votes.no.focus(); // the comment box goes away
          show();
          status.textContent = thanks;
        })
        .catch(function () { status.textContent = f.failed; });
    }
    comment.addEventListener("submit", function (event) {
      event.preventDefault();
      if (area.value.trim()) send({ vote: "no", comment: area.value }, f.comment_thanks);
    });
    show();
    return box;
  }

  function add(message) {
    state.messages.push(message);
    save();
    render(message);
  }

  function unreachable() {
    var text = "Sorry, I can't answer right now.";
    if (config.phone) text += " Please call " + config.clinicName + " on " + config.phone + ", or try again in a moment.";
    add({ from: "bot", text: text, error: true });
  }

  // ---- talking to the bot ----
  var busy = false;

  function post(message) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, config.timeoutMs);
    return fetch(config.botUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: message }),
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (replies) {
        var shown = 0;
        (Array.isArray(replies) ? replies : []).forEach(function (reply) {
          if (reply && (reply.text || (reply.buttons && reply.buttons.length))) {
            add({ from: "bot", text: reply.text || "", buttons: Array.isArray(reply.buttons) ? reply.buttons : [] });
            shown += 1;
          }
          var marker = reply && reply.custom && reply.custom.feedback;
          if (marker && typeof marker.id === "string") add({ from: "bot", feedback: marker });
        });
        if (!shown) throw new Error("empty reply");
      })
      .finally(function () { clearTimeout(timer); });
  }

  function waiting(on) {
    busy = on;
    typing.hidden = !on;
    send.disabled = on;
  }

  // A new conversation starts with the bot's own welcome; the page's greeting if the bot is unreachable.
  function start() {
    waiting(true);
    post("/session_start")
      .catch(function () { add({ from: "bot", text: config.greeting }); })
      .finally(function () { waiting(false); });
  }

  function ask(message, shown) {
    if (busy || !message.trim()) return;
    add({ from: "user", text: shown || message });
    waiting(true);
    post(message)
      .catch(function () {
        unreachable();
        if (!shown) input.value = message; // keep the visitor's words so they can resend
      })
      .finally(function () { waiting(false); });
  }

  // ---- opening, closing, restarting ----
  function setOpen(open, focusLauncher) {
    state.open = open;
    save();
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      if (!state.messages.length) start();
      input.focus();
    } else if (focusLauncher) {
      launcher.focus();
    }
  }

  launcher.addEventListener("click", function () { setOpen(panel.hidden, false); });
  close.addEventListener("click", function () { setOpen(false, true); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") setOpen(false, true);
  });
  restart.addEventListener("click", function () {
    state = { sender: newSenderId(), messages: [], open: true };
    log.textContent = "";
    save();
    start();
    input.focus();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (busy || !text.trim()) return; // still waiting: the text stays in the box
    input.value = "";
    ask(text);
  });

  function mount() {
    document.body.appendChild(root);
    state.messages.forEach(render);
    if (state.open) setOpen(true, false);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
