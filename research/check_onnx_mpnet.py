"""Cosine of research/onnx_mpnet.py's vectors (fp32 and int8) against research/mpnet.py's NumPy MPNet (research only).

    .venv/bin/python -m research.check_onnx_mpnet

On ~60 made-up texts (visitor questions about skin and hair treatments, greetings, off-topic requests,
one text of ~200 words), one text at a time, each pooled view (mean, max, cls): the minimum and mean
cosine similarity of the ONNX vectors to the NumPy reference. Also the fp32 ONNX model on a padded
batch (embed with batch_size 32) against the reference one text at a time. Exits 1 if fp32 is <= 0.9999.
"""

from __future__ import annotations

import sys
import time
from typing import Dict, List

import numpy as np

from research.mpnet import MPNet
from research.onnx_mpnet import OnnxMPNet

POOLING = ("mean", "max", "cls")
LONG_TEXT = (
    "Hello, I hope you can help me. I am forty two years old and for the last three years I have noticed that my "
    "skin looks tired and dull, with fine lines around my eyes and mouth, some pigmentation on my cheeks from too "
    "many summers in the sun, and a few old acne scars on my chin that never really faded. I have tried chemical "
    "peels twice and a course of microneedling at another clinic, which helped a little, but the results did not "
    "last very long. A friend of mine had your exosome treatment in the spring and her skin looks amazing, so I "
    "would like to know whether it would suit me too. How many sessions would I need, how far apart should they "
    "be, and how long is the recovery after each one? I work in an office and cannot take more than a weekend "
    "off. I also have quite sensitive skin and sometimes react to new creams with redness and small bumps, so I "
    "am worried about irritation. Is there anything I should stop using before the first appointment, such as "
    "retinol or vitamin C serums? Finally, what is the price for a full course, and do you offer any payment plan "
    "or discount if I book several sessions together? Thank you very much for your time."
)
TEXTS = [
    "hi",
    "hello there!",
    "good morning",
    "hey, anyone around?",
    "thanks very much",
    "ok bye",
    "how long does the redness last after the treatment?",
    "how much does one session cost?",
    "is it painful?",
    "can I wear makeup the next day?",
    "what are exosomes and where do they come from?",
    "how many sessions will I need for my hair loss?",
    "is the scalp treatment safe during pregnancy?",
    "can I go to the gym afterwards or should I wait?",
    "when will I start to see results on my skin?",
    "do you use human or plant derived exosomes?",
    "is it any good for deep acne scars on the cheeks?",
    "my hair is thinning at the crown, would exosomes help?",
    "how long do the results of the facial last?",
    "is there any downtime after microneedling with exosomes?",
    "can I combine it with botox or fillers on the same day?",
    "my face is swollen and hot two days after the treatment, is that normal?",
    "can I have it if I'm breastfeeding?",
    "do you offer a free consultation first?",
    "is it better than PRP for hair regrowth?",
    "can I go in the sun after?",
    "what skin types is it suitable for, I have very oily skin",
    "does it work on wrinkles around the eyes?",
    "can men have this treatment?",
    "I have rosacea and eczema, can I still book?",
    "can I use retinol afterwards?",
    "what's the difference between exosomes and stem cells?",
    "do I need numbing cream before it?",
    "is it approved by the FDA?",
    "Is it safe during pregnancy??? I'm 12 weeks",
    "what's the price for 3 sessions ($) vs. microneedling+PRP",
    "exosomes/PRP/HA: which one's better for hair-loss (androgenetic alopecia)?",
    "Café crème, naïve résumé — ÉLAN",
    "can i go to the gym after it, or swim? \t and wear makeup\nnext day",
    "what time do you close on saturdays?",
    "where are you located, is there parking nearby?",
    "can I book an appointment for next tuesday afternoon?",
    "who actually does the treatment, a doctor or a nurse?",
    "what's the weather like tomorrow?",
    "can you recommend a good pizza place?",
    "tell me a joke",
    "who won the football match last night?",
    "write me a poem about the sea",
    "what is the capital of Australia?",
    "how do I reset my router password?",
    "are you a robot or a real person?",
    "I want to speak to a human please",
    "this is a scam isn't it",
    "asdfghjkl qwerty",
    "???",
    "123456",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "my skin is itchy and flaky a week later and I'm worried it's an allergic reaction, what should I do now?",
    "I had three sessions of the hair treatment and see no difference, can I get a refund or a free extra session?",
    LONG_TEXT,
]


def views_one_at_a_time(encoder, texts: List[str]) -> Dict[str, np.ndarray]:
    rows = [encoder._pools(*_padded(encoder, text)) for text in texts]
    return {name: np.concatenate([row[name] for row in rows]) for name in POOLING}


def _padded(encoder, text: str):
    ids = np.array([encoder.tokenizer.encode(text)], dtype=np.int64)
    return ids, np.ones_like(ids)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def main() -> int:
    started = time.perf_counter()
    reference = MPNet(pooling=POOLING)
    fp32 = OnnxMPNet(pooling=POOLING)
    int8 = OnnxMPNet(quantized=True, pooling=POOLING)
    print(f"encoders loaded in {time.perf_counter() - started:.1f} s; builds this run: {OnnxMPNet.builds}")
    lengths = [len(reference.tokenizer.encode(text)) for text in TEXTS]
    print(f"{len(TEXTS)} texts, {min(lengths)}-{max(lengths)} MPNet tokens (median {int(np.median(lengths))})")

    expected = views_one_at_a_time(reference, TEXTS)
    failed = False
    for label, encoder in (("fp32", fp32), ("int8", int8)):
        got = views_one_at_a_time(encoder, TEXTS)
        for name in POOLING:
            values = cosines(got[name], expected[name])
            worst = int(np.argmin(values))
            print(
                f"{label} {name:4s}  min {values.min():.6f}  mean {values.mean():.6f}  (1 - min {1 - values.min():.1e})"
                f"   worst: {TEXTS[worst][:50]!r}"
                f" ({lengths[worst]} tokens)"
            )
            if label == "fp32" and values.min() <= 0.9999:
                failed = True
        joined = cosines(encoder.embed(TEXTS), reference.embed(TEXTS))
        print(
            f"{label} joined [mean,max,cls] via embed(): min {joined.min():.6f}  mean {joined.mean():.6f}"
            f"  (1 - min {1 - joined.min():.1e})"
        )
        if label == "int8":
            order = np.argsort(joined)[:5]
            print("int8 lowest joined: " + "; ".join(f"{TEXTS[i][:30]!r} {joined[i]:.4f}" for i in order))

    # fp32 on padded batches of 32 (embed) against the reference one text at a time
    one = np.concatenate([reference._embed_padded(*_padded(reference, text)) for text in TEXTS])
    batched = cosines(fp32.embed(TEXTS, batch_size=32), one)
    print(
        f"fp32 batched (32) vs reference one at a time: min {batched.min():.6f}  mean {batched.mean():.6f}"
        f"  (1 - min {1 - batched.min():.1e})"
    )
    if batched.min() <= 0.9999:
        failed = True
    print("FAILED" if failed else "fp32 checks passed (> 0.9999)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
