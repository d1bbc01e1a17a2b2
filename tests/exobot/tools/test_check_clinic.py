"""exobot/tools/check_clinic.py: example clinic details are named by make run, and refused by a production start."""

import os
import subprocess
import sys

from exobot.paths import ROOT
from exobot.tools.check_clinic import example_values


def test_each_shipped_example_value_is_named():
    clinic = {
        "name": "Example Aesthetics Clinic",
        "phone": "+44 20 0000 0000",
        "email": "hi@example-clinic.test",
        "address": "1 Example Street, Example Town, EX1 2MP",
        "opening_hours": "Mon-Fri 9-18",
        "booking_url": "https://example-clinic.test/book",
    }
    assert [field for field, _ in example_values(clinic)] == ["name", "phone", "email", "address", "booking_url"]


def test_real_details_pass():
    clinic = {
        "name": "Harbour Skin Clinic",
        "phone": "+44 20 7946 0321",
        "email": "hello@harbourskin.co.uk",
        "address": "12 Quay Road, Bristol BS1 4QA",
        "opening_hours": "Mon-Fri 9-18",
        "booking_url": "https://harbourskin.co.uk/book",
    }
    assert example_values(clinic) == []


def test_make_run_warns_and_a_production_start_refuses_while_examples_remain():
    env = {**os.environ, "RASA_PORT": "1", "ACTIONS_PORT": "1", "WEB_PORT": "1"}
    production = subprocess.run(
        ["bash", "scripts/run.sh"],
        cwd=ROOT,
        env={**env, "PRODUCTION": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert production.returncode == 1
    assert "exobot/content/clinic.yml" in production.stdout and "+44 20 0000 0000" in production.stdout
    assert "starting" not in production.stdout  # nothing was started

    launcher = subprocess.run(
        [sys.executable, "-m", "exobot.server", "run", "--port", "1"],
        cwd=ROOT,
        env={**env, "PRODUCTION": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert launcher.returncode == 1 and "example values" in launcher.stdout
