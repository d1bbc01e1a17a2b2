"""Write a typo-perturbed copy of an NLU file: character swaps, drops and doubled letters.

The same seed always gives the same copy, so scores are comparable between runs.
"""

import argparse
import random
from pathlib import Path

import yaml

from exobot.tools.nlu_files import examples_by_intent


def swap(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def drop(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    return word[:i] + word[i + 1 :]


def double(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    return word[:i] + word[i] + word[i:]


def perturb(text: str, rng: random.Random) -> str:
    """One typo in one word of four letters or more (the text unchanged if it has none)."""
    words = text.split(" ")
    candidates = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    words[i] = rng.choice([swap, drop, double])(words[i], rng)
    return " ".join(words)


def literal_blocks(dumper: yaml.Dumper, value: str) -> yaml.Node:
    """Write multi-line strings as YAML `|` blocks, as Rasa's own files do."""
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    blocks = [
        {"intent": intent, "examples": "".join(f"- {perturb(text, rng)}\n" for text in texts)}
        for intent, texts in examples_by_intent([args.source]).items()
    ]
    args.target.parent.mkdir(parents=True, exist_ok=True)
    yaml.add_representer(str, literal_blocks)
    args.target.write_text(yaml.dump({"version": "3.1", "nlu": blocks}, sort_keys=False, width=200, allow_unicode=True))
    print(f"==> typo-perturbed copy of {args.source} written to {args.target}")


if __name__ == "__main__":
    main()
