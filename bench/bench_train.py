"""Time training: stock Rasa, a full training, teaching 1, 10 and 50 phrasings, and the gate's scoring.

    .venv/bin/python -m bench.bench_train [--skip-stock] [--teaching-only]     (or: make bench-train)

About 10 minutes without stock Rasa; its two subset trainings take more than half an hour on a busy 2-core
machine (DIET alone was at epoch 78 of 100 after 12 minutes on a tenth of the examples).

Works on copies in a temporary folder: the serving model and data/ stay as they are. Prints JSON and a table.

- stock Rasa: `rasa train` with Rasa's default pipeline and policies (no config beyond the language) on the
  same data. A whole run takes about 20 minutes, so it is timed on a tenth and a fifth of the NLU examples
  (stories and rules whole) and extrapolated linearly to all of them; the table says so.
- full training: `make train FULL=1` from scratch, with empty caches (Rasa's and the sentence encoder's), as
  on a fresh machine; its parts are the components' times from Rasa's log.
- teaching: 1, 10 and 50 new phrasings (examples of the held-out kind, written for this benchmark), each
  taught to the full model; timed from the start of `make train` to a running bot (started here on a free
  port) answering the new phrasing after it loaded the model: read and check, load, featurise, fit, package,
  score (the gate), swap (PUT /model) and the first answer.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

import requests
import yaml

from exobot.api_token import api_token
from exobot.nlu.incremental import read_examples
from exobot.paths import ROOT
from exobot.quiet import quiet_dependency_warnings
from exobot.tools import train
from exobot.tools.nlu_files import add_examples, file_of_intent

PHRASINGS: List[Tuple[str, str]] = [
    ("ask_skin_rejuvenation", "will it sort out my crepey neck"),
    ("ask_hair_restoration", "my parting is getting wider, would exosomes help"),
    ("ask_cost", "ballpark figure for a session please"),
    ("out_of_scope", "can you recommend a good hairdresser"),
    ("ask_skin_rejuvenation", "any good for tired looking skin"),
    ("ask_cost", "what would i be looking at money wise"),
    ("ask_hair_restoration", "could it thicken up my temples"),
    ("out_of_scope", "what time does the chemist shut"),
    ("ask_cost", "is there a payment plan for the course"),
    ("ask_skin_rejuvenation", "would it freshen up my complexion before a wedding"),
]
STOCK_CONFIG = "recipe: default.v1\nlanguage: en\nassistant_id: stock-rasa-benchmark\n"
STOCK_FRACTIONS = (0.1, 0.2)


def phrasings(count: int) -> List[Tuple[str, str]]:
    """`count` new phrasings: the ten above, then numbered variants of them (different texts, same meaning)."""
    found = []
    for index in range(count):
        intent, text = PHRASINGS[index % len(PHRASINGS)]
        found.append((intent, text if index < len(PHRASINGS) else f"{text} {index // len(PHRASINGS) + 1}"))
    return found


def workspace(folder: Path, serving: Path) -> Tuple[Path, Path]:
    """A copy of data/ and of the serving model with its stamps."""
    data, models = folder / "data", folder / "models"
    shutil.copytree(ROOT / "data", data)
    models.mkdir()
    for stamp in serving.parent.glob(f"{train.MODEL_NAME}.*"):
        shutil.copy(stamp, models / stamp.name)
    return data, models


def full_training(folder: Path) -> Dict:
    """`make train FULL=1` with empty caches, into its own models folder."""
    data = folder / "full-data"
    shutil.copytree(ROOT / "data", data)
    saved = {name: os.environ.get(name) for name in ("RASA_CACHE_DIRECTORY", "SENTENCE_ENCODER_CACHE_DIR")}
    os.environ["RASA_CACHE_DIRECTORY"] = str(folder / "rasa-cache")
    os.environ["SENTENCE_ENCODER_CACHE_DIR"] = str(folder / "encoder-cache")
    try:
        return timed(lambda times: train.train(folder / "full", full=True, gate=False, data_dir=data, timings=times))
    finally:
        for name, value in saved.items():
            os.environ.pop(name) if value is None else os.environ.__setitem__(name, value)


def timed(run) -> Dict:
    timings: Dict = {}
    started = time.monotonic()
    run(timings)
    timings["total_seconds"] = round(time.monotonic() - started, 1)
    return timings


def start_bot(model: Path, folder: Path) -> Tuple[subprocess.Popen, str]:
    """A Rasa server (HTTP API on) on a free port of 127.0.0.1, serving `model`."""
    from harness.local_services import free_port

    port = free_port()
    log = (folder / "rasa.log").open("w")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "exobot.server", "run", "--model", str(model), "--interface", "127.0.0.1"]
        + ["--port", str(port), "--enable-api"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/status", params={"token": api_token()}, timeout=2).ok:
                return server, url
        except requests.RequestException:
            pass
        time.sleep(1)
    server.terminate()
    raise SystemExit(f"the benchmark's Rasa server did not start: see {folder / 'rasa.log'}")


def teaching(folder: Path, serving: Path, count: int, url: str) -> Dict:
    """Add `count` phrasings to a copy of the data, teach them, swap the model into the bot, ask it one."""
    data, models = workspace(folder / f"teach-{count}", serving)
    new = phrasings(count)
    for intent, text in new:
        add_examples(file_of_intent(intent, data / "nlu"), intent, [text])
    os.environ["RASA_URL"] = url

    def run(timings: Dict) -> None:
        train.train(models, data_dir=data, swap=True, timings=timings)
        asked = time.monotonic()
        reply = requests.post(f"{url}/model/parse", params={"token": api_token()}, json={"text": new[0][1]}, timeout=60)
        timings["answer_seconds"] = round(time.monotonic() - asked, 2)
        timings["answered_as_taught"] = reply.json()["intent"]["name"] == new[0][0]

    result = timed(run)
    # the bot goes back to the full model for the next run
    requests.put(f"{url}/model", params={"token": api_token()}, json={"model_file": str(serving)}, timeout=300)
    return result


def stock_rasa(folder: Path) -> Dict:
    """Stock Rasa's training time on a tenth and a fifth of the NLU examples, extrapolated to all of them."""
    examples = read_examples(ROOT / "data")
    config = folder / "stock-config.yml"
    config.write_text(STOCK_CONFIG)
    measured = {}
    for fraction in STOCK_FRACTIONS:
        data = folder / f"stock-{fraction}"
        shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("nlu"))
        subset: Dict[str, List[str]] = {}
        for index, (text, intent) in enumerate(examples):
            if index % round(1 / fraction) == 0:
                subset.setdefault(intent, []).append(text)
        blocks = [{"intent": i, "examples": "".join(f"- {t}\n" for t in texts)} for i, texts in subset.items()]
        nlu = {"version": "3.1", "nlu": blocks}
        (data / "nlu.yml").write_text(yaml.safe_dump(nlu, sort_keys=False, allow_unicode=True))
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "exobot.server", "train", "--config", str(config), "--data", str(data)]
            + ["--out", str(folder / "stock-models"), "--skip-validation"],
            cwd=ROOT,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "RASA_CACHE_DIRECTORY": str(folder / f"c{fraction}")},
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            return {"error": done.stdout[-2000:] + done.stderr[-2000:]}
        measured[sum(len(texts) for texts in subset.values())] = round(time.monotonic() - started, 1)
    (small, first), (large, second) = sorted(measured.items())
    per_example = (second - first) / (large - small)
    return {
        "measured_seconds": {str(size): seconds for size, seconds in measured.items()},
        "estimated_seconds": round(first + per_example * (len(examples) - small), 1),
        "examples": len(examples),
        "per_1000_examples_seconds": round(per_example * 1000, 1),
    }


def describe(name: str, timings: Dict) -> str:
    if name == "stock":
        if "error" in timings:
            return "| stock Rasa (default config) | failed | see JSON |"
        sizes = ", ".join(f"{size} examples {seconds} s" for size, seconds in timings["measured_seconds"].items())
        return (
            f"| stock Rasa (default config) | {timings['estimated_seconds']} (estimated) | measured on subsets: "
            f"{sizes}; linear in the examples ({timings['per_1000_examples_seconds']} s per 1,000) to "
            f"{timings['examples']} |"
        )
    parts = [f"{k} {v}" for k, v in timings.get("parts", {}).items()]
    parts += [f"score (the gate) {timings['score_seconds']}"]
    if "swap_seconds" in timings:
        parts += [f"swap {timings['swap_seconds']}", f"first answer {timings['answer_seconds']}"]
    if "iterations" in timings:
        parts += [f"{timings['iterations']} fit iterations"]
    scores = timings["scores"]
    extra = f"; in-scope {scores['in_scope_accuracy']:.1%}, out-of-scope {scores['out_of_scope_recall']:.1%}"
    if "answered_as_taught" in timings:
        extra += f"; new phrasing answered: {'yes' if timings['answered_as_taught'] else 'NO'}"
    return f"| {name} ({timings['kind']}) | {timings['total_seconds']} | {', '.join(parts)} (s){extra} |"


def main() -> None:
    quiet_dependency_warnings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-stock", action="store_true", help="leave out stock Rasa (more than half an hour)")
    parser.add_argument("--teaching-only", action="store_true", help="only teaching 1, 10 and 50 phrasings")
    args = parser.parse_args()
    serving = train.train()  # the serving model must be up to date: teaching starts from it
    results: Dict[str, Dict] = {}
    with tempfile.TemporaryDirectory(prefix="exosome-bench-train-") as folder:
        folder = Path(folder)
        server, url = start_bot(serving, folder)
        try:
            for count in (1, 10, 50):
                print(f"==> teaching {count} new phrasing(s)", file=sys.stderr)
                results[f"teach {count}"] = teaching(folder, serving, count, url)
        finally:
            server.terminate()
            server.wait(timeout=60)
        if not args.teaching_only:
            print("==> full training from scratch (empty caches)", file=sys.stderr)
            results["full"] = full_training(folder)
        if not (args.skip_stock or args.teaching_only):
            print("==> stock Rasa on a tenth and a fifth of the examples", file=sys.stderr)
            results["stock"] = stock_rasa(folder)
    print(json.dumps(results, indent=1))
    print("| training | seconds | made of |")
    print("|---|---|---|")
    for name in ("stock", "full", "teach 1", "teach 10", "teach 50"):
        if name in results:
            print(describe(name, results[name]))


if __name__ == "__main__":
    main()
