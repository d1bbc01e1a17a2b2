"""Checks of research/mpnet.py's NumPy all-mpnet-base-v2 (research only; prints, exits 1 on a failed check).

    .venv/bin/python -m research.check_mpnet [--model-dir .cache/mpnet/all-mpnet-base-v2]

(a) Published torch values: a public test suite (Kjarni, `MpnetBaseV2Tests`, whose comments give them as
    torch's output for all-mpnet-base-v2) lists the first five numbers of "Hello world" and the cosine
    similarities of "dog" with "puppy", "cat", "car" and "quantum physics".
(a2) Token ids agree with the model's own tokenizer.json run by the `tokenizers` library (local file, no hub).
(b) Paraphrases score clearly higher than unrelated sentences.
(c) A batch of texts of different lengths gives the same vectors as one text at a time (padding is
    masked, positions and the relative bias are right), for every pooled view.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from research.mpnet import DEFAULT_MODEL_DIR, MPNet

# torch's values as printed in the Kjarni test suite's MpnetBaseV2Tests (third-party reference)
HELLO_WORLD_FIRST_FIVE = [0.0262497, 0.0133956, -0.0045332, -0.0217914, 0.0545519]
DOG_PAIRS = [("puppy", 0.778325), ("cat", 0.608123), ("car", 0.390584), ("quantum physics", 0.250900)]

TOKENIZER_TEXTS = [
    "Hello world",
    "How long does the redness last after the treatment?",
    "Is it safe during pregnancy??? I'm 12 weeks",
    "Café crème, naïve résumé — ÉLAN",
    "what's the price for 3 sessions ($) vs. microneedling+PRP",
    "exosomes/PRP/HA: which one's better for hair-loss (androgenetic alopecia)?",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "can i go to the gym after it, or swim? \t and wear makeup\nnext day",
    "I had it done 2 days ago and my face is swollen and hot, is that normal?",
]

PARAPHRASES = [
    ("how long does the redness last after the treatment?", "when will my skin stop being red after the procedure?"),
    ("how much does a session cost?", "what is the price of one treatment?"),
    ("can I wear makeup the next day?", "is it ok to put on foundation the day after?"),
    ("is it safe if I'm pregnant?", "can pregnant women have this treatment?"),
]
UNRELATED = [
    ("how long does the redness last after the treatment?", "what time does the train to Paris leave?"),
    ("how much does a session cost?", "my cat likes to sleep on the sofa"),
    ("can I wear makeup the next day?", "the stock market fell sharply today"),
    ("is it safe if I'm pregnant?", "how do I reset my router password?"),
]

BATCH_TEXTS = [
    "hi",
    "how much is it?",
    "how long does the redness last after the treatment?",
    "I had the exosome treatment on my face two days ago and since yesterday there is some swelling "
    "around my eyes and a little itching, is that something to worry about or will it go away by itself?",
    "ok",
    "what are exosomes and where do the ones you use come from, are they from humans or plants?",
    " ".join(["word"] * 150),  # longer than 128 tokens: truncated
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    args = parser.parse_args()
    failures = []

    def check(name: str, ok: bool, detail: str) -> None:
        print(f"[{'PASS' if ok else 'FAIL'}] {name}: {detail}")
        if not ok:
            failures.append(name)

    started = time.perf_counter()
    mean_only = MPNet(args.model_dir, pooling=("mean",))
    print(f"loaded {args.model_dir} in {time.perf_counter() - started:.1f} s; weights SHA-256 {mean_only.weights_key}")

    # (a) published torch values
    first = mean_only.embed(["Hello world"])[0][:5]
    gap = float(np.abs(first - np.array(HELLO_WORLD_FIRST_FIVE)).max())
    check("a. 'Hello world' first five", gap < 1e-5, f"{np.round(first, 7).tolist()} (largest gap {gap:.1e})")
    for other, expected in DOG_PAIRS:
        vectors = mean_only.embed(["dog", other])
        score = float(vectors[0] @ vectors[1])
        check(f"a. cos(dog, {other})", abs(score - expected) < 1e-4, f"{score:.6f} vs torch {expected:.6f}")

    # (a2) tokenizer agreement with tokenizer.json
    try:
        from tokenizers import Tokenizer
    except ImportError:
        print("[SKIP] a2. tokenizers is not importable")
    else:
        reference = Tokenizer.from_file(str(args.model_dir / "tokenizer.json"))
        reference.no_padding()
        reference.no_truncation()
        same = 0
        for text in TOKENIZER_TEXTS:
            ours = mean_only.tokenizer.encode(text)
            theirs = reference.encode(text).ids
            same += ours == theirs
            if ours != theirs:
                print(f"       differs: {text!r}\n         ours   {ours}\n         theirs {theirs}")
        check("a2. token ids = tokenizer.json", same == len(TOKENIZER_TEXTS), f"{same}/{len(TOKENIZER_TEXTS)} texts")

    # (b) paraphrases above unrelated sentences
    def cos(a: str, b: str) -> float:
        vectors = mean_only.embed([a, b])
        return float(vectors[0] @ vectors[1])

    para = [cos(a, b) for a, b in PARAPHRASES]
    unrel = [cos(a, b) for a, b in UNRELATED]
    for (a, b), score in zip(PARAPHRASES, para):
        print(f"       paraphrase {score:.3f}  {a!r} / {b!r}")
    for (a, b), score in zip(UNRELATED, unrel):
        print(f"       unrelated  {score:.3f}  {a!r} / {b!r}")
    check(
        "b. paraphrases > unrelated",
        min(para) > max(unrel) + 0.2,
        f"lowest paraphrase {min(para):.3f}, highest unrelated {max(unrel):.3f}",
    )

    # (c) a batch of different lengths = one at a time, every pooled view
    encoder = MPNet(args.model_dir, pooling=("mean", "max", "cls"))
    lengths = [len(encoder.tokenizer.encode(text)) for text in BATCH_TEXTS]
    batch = encoder.embed(BATCH_TEXTS)
    single = np.stack([encoder.embed_one(text) for text in BATCH_TEXTS])
    gap = float(np.abs(batch - single).max())
    check("c. batch = one at a time (mean+max+cls)", gap < 1e-4, f"largest gap {gap:.1e}, token counts {lengths}")
    norms = np.linalg.norm(batch, axis=1)
    check("c. unit length", float(np.abs(norms - 1).max()) < 1e-5, f"norms {np.round(norms, 6).tolist()}")
    mean_view = mean_only.embed(BATCH_TEXTS)
    gap = float(np.abs(batch[:, : encoder.width] * np.sqrt(3) - mean_view).max())
    check("c. first view of [mean,max,cls] = mean pooling", gap < 1e-5, f"largest gap {gap:.1e}")

    print("all checks passed" if not failures else f"FAILED: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
