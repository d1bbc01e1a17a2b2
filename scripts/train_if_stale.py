"""Train the bot only when its training inputs changed since the last training.

The inputs are the data, config, domain, custom NLU components and pinned
dependencies. Their SHA-256 is stored next to the model; when it matches, the
existing model is kept and nothing is trained.
"""
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List

ROOT = Path(__file__).resolve().parent.parent
MODEL_NAME = "exosome-bot"
INPUTS = ["config.yml", "domain.yml", "requirements.lock", "data", "components"]


def input_files(root: Path = ROOT) -> List[Path]:
    """Every file whose content changes what training produces."""
    files: List[Path] = []
    for name in INPUTS:
        path = root / name
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            files.append(path)
    return files


def fingerprint(files: Iterable[Path], root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_path(models_dir: Path) -> Path:
    return models_dir / f"{MODEL_NAME}.tar.gz"


def is_stale(models_dir: Path, current: str) -> bool:
    stamp = models_dir / f"{MODEL_NAME}.fingerprint"
    if not model_path(models_dir).exists() or not stamp.exists():
        return True
    return stamp.read_text().strip() != current


def train(models_dir: Path = ROOT / "models") -> Path:
    """Train if needed and return the path of the up-to-date model."""
    current = fingerprint(input_files())
    if not is_stale(models_dir, current):
        print(f"==> model is up to date: {model_path(models_dir)} (data, config and domain unchanged)")
        return model_path(models_dir)
    print("==> data, config or domain changed: training (a few minutes on 2 cores)")
    start = time.monotonic()
    rasa = Path(sys.executable).parent / "rasa"
    command = [str(rasa), "train", "--fixed-model-name", MODEL_NAME, "--out", str(models_dir)]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(f"error: training failed (rasa train exited with {result.returncode}); see the messages above")
    (models_dir / f"{MODEL_NAME}.fingerprint").write_text(current + "\n")
    print(f"==> trained {model_path(models_dir)} in {time.monotonic() - start:.0f} s")
    return model_path(models_dir)


if __name__ == "__main__":
    train()
