# Exosome FAQ bot. Start here: `make run` (chat with the bot) or `make test` (all tests).
SHELL := /bin/bash
BIN := .venv/bin
RASA := RASA_TELEMETRY_ENABLED=false $(BIN)/rasa
SPACY_PIPELINE := .spacy/en_exosome/meta.json
ACTIONS_PORT ?= 5055
# The endpoints file whose conversation store review and purge read (endpoints.production.yml for PostgreSQL).
ENDPOINTS ?= endpoints.yml
# TensorFlow's start-up chatter is not useful to anyone running these commands.
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: run shell test test-fast lint install spacy train validate actions browser-deps services-deps evaluate edges crossval bench-nlu bench-train bench soak import add-topic review purge staff-user image deploy-local deploy-local-down deploy-deps clean help

## run: install, build the spaCy pipeline, train if needed, start the bot
run: train
	@bash scripts/run.sh

## shell: chat with the bot in this terminal (rasa shell, on free ports of 127.0.0.1: works beside make run)
shell: train
	@bash scripts/shell.sh

## test: install, lint, then run every test (trains once if the model is stale)
test: spacy browser-deps services-deps deploy-deps lint
	$(BIN)/python -m pytest

## test-fast: the in-process tests only (no model, bot, services or browser): under a minute
test-fast: spacy
	$(BIN)/python -m pytest -m "not (model or bot or services or browser or deploy)" -q

## lint: ruff check and ruff format --check over the project
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## browser-deps: Debian's chromium and axe-core, for the browser tests
browser-deps: /usr/bin/chromium tests/browser/node_modules/axe-core/axe.min.js

/usr/bin/chromium:
	@bash scripts/apt_install.sh "the browser tests" chromium

## deploy-deps: Debian's podman, runc and mmdebstrap, for make image and the local deployment's test
deploy-deps:
	@bash scripts/apt_install.sh "the local Kubernetes deployment" podman runc mmdebstrap

## services-deps: Debian's PostgreSQL and Redis, for the scale-out tests (the tests start them)
services-deps:
	@bash scripts/apt_install.sh "the scale-out tests" postgresql redis-server

tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package-lock.json
	@echo "==> installing axe-core for the accessibility test"
	@cd tests/browser && npm ci --no-audit --no-fund --silent

## install: create .venv with Python 3.10 and install requirements.lock
install: .venv/.installed

.venv/.installed: requirements.lock requirements-bootstrap.txt requirements-models.txt pyproject.toml scripts/install.sh
	@bash scripts/install.sh

## spacy: build the project's English spaCy pipeline into .spacy/
spacy: $(SPACY_PIPELINE)

$(SPACY_PIPELINE): .venv/.installed exobot/tools/build_spacy.py
	@echo "==> building the spaCy pipeline"
	@$(BIN)/python -m exobot.tools.build_spacy

## train: validate, teach or train if inputs changed, refuse a worse model, load it into a running bot (FULL=1, FORCE=1: see README)
train: spacy
	@$(BIN)/python -m exobot.tools.train $(if $(FULL),--full) $(if $(FORCE),--no-gate)

## validate: check training data, domain and content files (faithful to the source, plain language)
validate: spacy
	$(RASA) data validate --fail-on-warnings
	$(BIN)/python -m exobot.tools.content_checks

## evaluate: score the model on the held-out split, a typo-perturbed copy, threshold sweep, 5-fold CV
evaluate: train
	@$(BIN)/python -m research.evaluate --out results/heldout
	@$(BIN)/python -m research.typos tests/nlu/test_nlu.yml results/typos/test_nlu_typos.yml
	@$(BIN)/python -m research.evaluate --nlu results/typos/test_nlu_typos.yml --out results/typos
	@$(BIN)/python -m research.sweep_thresholds
	@echo "==> rasa test nlu: per-intent report and confusion matrix in results/rasa_test_nlu/"
	@$(RASA) test nlu --model models/exosome-bot.tar.gz --nlu tests/nlu/test_nlu.yml --out results/rasa_test_nlu >/dev/null 2>&1
	@$(BIN)/python -m research.edges
	@$(MAKE) --no-print-directory crossval

## edges: score the edges (reports read as cosmetic questions, own concerns, suitability, other treatments, instructions, languages)
edges: train
	@$(BIN)/python -m research.edges

## crossval: 5-fold cross-validation on data/ (five trainings: about 20 minutes on 2 cores)
crossval: spacy
	@mkdir -p results
	@echo "==> 5-fold cross-validation (five trainings), report in results/crossval/"
	@$(RASA) test nlu --nlu data/nlu --config config.yml --cross-validation --folds 5 --out results/crossval >results/crossval.log 2>&1 || (tail -20 results/crossval.log; exit 1)
	@$(BIN)/python -c "import json; r = json.load(open('results/crossval/intent_report.json')); print(f\"==> cross-validation accuracy {r['accuracy']:.1%}, macro F1 {r['macro avg']['f1-score']:.3f}\")"

## bench-nlu: /model/parse latency (p50/p95/p99) of the trained model
bench-nlu: train
	@$(BIN)/python -m bench.bench_nlu

## actions: start only the action server
actions: install
	SANIC_HOST=127.0.0.1 RASA_TELEMETRY_ENABLED=false $(BIN)/python -m exobot.server run actions --actions actions --port $(ACTIONS_PORT)

## bench-train: time stock Rasa, a full training, teaching 1, 10 and 50 phrasings, the gate's scoring (an hour; ARGS=--skip-stock: 10 minutes)
bench-train: spacy
	@$(BIN)/python -m bench.bench_train $(ARGS)

## bench: start the bot and print start-up, memory, latency and throughput (JSON and a table; about 6 minutes)
bench: train services-deps
	@$(BIN)/python -m bench.bench

## soak: 50 visitors for 5 minutes, then check every message was stored (MINUTES=5 to change)
MINUTES ?= 5
soak: train
	@$(BIN)/python -m bench.soak --minutes "$(MINUTES)"

## import: add labelled examples from a CSV file (text,intent): make import FILE=review/unanswered.csv
import: install
	@test -n "$(FILE)" || { echo "usage: make import FILE=path/to/examples.csv (columns: text,intent)"; exit 2; }
	@$(BIN)/python -m exobot.tools.import_examples "$(FILE)"

## add-topic: add a new question with its answer, examples and rule: make add-topic FILE=topics/your_topic.yml
add-topic: install
	@test -n "$(FILE)" || { echo "usage: make add-topic FILE=topics/your_topic.yml (see topics/example_before_after_photos.yml)"; exit 2; }
	@$(BIN)/python -m exobot.tools.add_topic "$(FILE)"

## review: write review/unanswered.csv with what visitors asked that the bot could not answer
review: install
	@$(BIN)/python -m exobot.tools.review --endpoints "$(ENDPOINTS)"

## purge: delete conversations older than DAYS days (default 30) from the tracker store in ENDPOINTS
DAYS ?= 30
purge: install
	@$(BIN)/python -m exobot.tools.purge --days "$(DAYS)" --endpoints "$(ENDPOINTS)"

## staff-user: create a staff console account (asks for its password twice): make staff-user NAME=alice
staff-user: install
	@test -n "$(NAME)" || { echo "usage: make staff-user NAME=alice (the password is asked for twice)"; exit 2; }
	@$(BIN)/python -m exobot.tools.staff_user "$(NAME)" --endpoints "$(ENDPOINTS)"

## image: build the bot's image (Rasa server, action server, console) and the local stand-ins, with podman or docker
image: train
	@bash deploy/image/build.sh

## deploy-local: build the images, start deploy/kubernetes/overlays/local with podman kube play, nginx on 127.0.0.1
deploy-local: image
	@bash deploy/local/up.sh

## deploy-local-down: remove the local deployment (pods, volumes, secret, network)
deploy-local-down:
	@bash deploy/local/down.sh

## clean: remove trained models, results and local conversations (keeps .venv)
clean:
	rm -rf models/*.tar.gz models/*.fingerprint results .state

help:
	@grep -E '^## ' Makefile | sed 's/^## /  make /'
