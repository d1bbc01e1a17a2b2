"""docs/kubernetes.md lists what each server's image contains; each server's modules import from only those files."""

import re
import shutil
import subprocess
import sys
from typing import Dict, List

import pytest

from exobot.paths import ROOT

DOC = ROOT / "docs" / "kubernetes.md"
# What each server loads: the modules its start-up or configuration names, and everything they import.
SERVER_MODULES = {
    "rasa-server": [
        "exobot.server.__main__",
        "exobot.server.website",
        "exobot.server.tracker_store",
        "exobot.server.redis_lock_store",
        "exobot.nlu.spelling",
        "exobot.nlu.sentence_encoder",
        "exobot.nlu.blank_message",
        "exobot.tools.purge",
    ],
    "action-server": [f"actions.{path.stem}" for path in sorted((ROOT / "actions").glob("*.py"))],
}
CHECK = """
import importlib, sys
from pathlib import Path
for name in sys.argv[1:]:
    importlib.import_module(name)
here = Path.cwd().resolve()
outside = [name for name, module in list(sys.modules.items())
           if name.split(".")[0] in ("exobot", "actions") and not Path(module.__file__).resolve().is_relative_to(here)]
print("loaded from outside the image:", outside)
sys.exit(1 if outside else 0)
"""


def image_contents() -> Dict[str, List[str]]:
    """The files and folders listed in each ```text <image> block of docs/kubernetes.md."""
    blocks = re.findall(r"```text ([a-z-]+)\n(.*?)```", DOC.read_text(), flags=re.S)
    return {image: body.split() for image, body in blocks}


def test_the_doc_lists_both_images():
    assert set(image_contents()) == set(SERVER_MODULES)


@pytest.mark.parametrize("image", sorted(SERVER_MODULES))
def test_each_server_imports_from_only_what_its_image_contains(image, tmp_path):
    for entry in image_contents()[image]:
        source, target = ROOT / entry, tmp_path / entry
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    result = subprocess.run(
        [sys.executable, "-c", CHECK, *SERVER_MODULES[image]], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]


def test_the_check_fails_when_a_needed_file_is_missing(tmp_path):
    (tmp_path / "actions").mkdir()
    shutil.copy(ROOT / "actions" / "faq.py", tmp_path / "actions" / "faq.py")
    result = subprocess.run([sys.executable, "-c", CHECK, "actions.faq"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
