"""Time one message through the encoder: all-mpnet-base-v2 (research/mpnet.py) vs MiniLM, both NumPy (research only).

    .venv/bin/python -m research.time_mpnet [--rounds 3]

`embed_one` on 50 made-up short visitor questions, pooling [mean, max, cls], after a warm-up; the two
encoders take turns question by question, so both see the same machine load. Prints median and p95 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Dict, List, Optional

import numpy as np

from exobot.nlu.minilm import MiniLM, SentenceEncoder
from research.mpnet import MPNet

QUESTIONS = [
    "how long does the redness last after the treatment?",
    "how much does one session cost?",
    "is it painful?",
    "can I wear makeup the next day?",
    "what are exosomes?",
    "how many sessions will I need?",
    "is it safe during pregnancy?",
    "can I go to the gym afterwards?",
    "when will I see results?",
    "do you use human or plant exosomes?",
    "is it good for acne scars?",
    "can it help with hair loss?",
    "how long do the results last?",
    "is there any downtime?",
    "can I combine it with botox?",
    "what should I avoid before my appointment?",
    "my face is swollen after the treatment, is that normal?",
    "can I have it if I'm breastfeeding?",
    "do you offer a consultation first?",
    "is it better than PRP?",
    "how is it applied, with microneedling?",
    "can I go in the sun after?",
    "what skin types is it suitable for?",
    "does it work on wrinkles?",
    "how soon can I wash my face?",
    "can men have this treatment?",
    "is there an age limit?",
    "what does the treatment feel like?",
    "how long does an appointment take?",
    "can I drink alcohol after the session?",
    "do I need numbing cream?",
    "is it approved by the FDA?",
    "will it help with dark circles under my eyes?",
    "can I use retinol afterwards?",
    "what's the difference between exosomes and stem cells?",
    "can I book for next week?",
    "are there side effects?",
    "hi, I have a question about the scalp treatment",
    "does it help with rosacea?",
    "how often should I repeat it?",
    "is it vegan?",
    "can I swim after the treatment?",
    "what if I have a cold sore?",
    "my skin is itchy two days later, what should I do?",
    "is it ok before a wedding?",
    "can I have it on my neck too?",
    "do you have a payment plan?",
    "thanks, that helps",
    "who does the treatment, a doctor or a nurse?",
    "what aftercare products should I use?",
]
POOLING = ("mean", "max", "cls")


def percentile(values, q: float) -> float:
    return float(np.percentile(np.array(values), q))


def time_in_turns(encoders: Dict[str, SentenceEncoder], rounds: int) -> Dict[str, List[float]]:
    """Milliseconds of `embed_one` for each encoder on QUESTIONS, taking turns question by question, after a warm-up."""
    for encoder in encoders.values():  # warm-up: sessions, BLAS threads, tokenizer and position bias caches
        for question in QUESTIONS[:10]:
            encoder.embed_one(question)
    times: Dict[str, List[float]] = {name: [] for name in encoders}
    for _ in range(rounds):
        for question in QUESTIONS:
            for name, encoder in encoders.items():
                started = time.perf_counter()
                encoder.embed_one(question)
                times[name].append(1000 * (time.perf_counter() - started))
    return times


def report(
    times: Dict[str, List[float]], mpnet: SentenceEncoder, rounds: int, note: str, budget_ms: Optional[float] = None
) -> None:
    """Prints the setting, then median, p95, mean and max ms of each encoder (and whether p95 is within budget)."""
    tokens = [len(mpnet.tokenizer.encode(question)) for question in QUESTIONS]
    print(
        f"{len(QUESTIONS)} questions x {rounds} rounds, pooling {list(POOLING)}, MPNet tokens "
        f"{min(tokens)}-{max(tokens)} (median {statistics.median(tokens)}); {note}"
    )
    for name, values in times.items():
        p95 = percentile(values, 95)
        verdict = (
            ""
            if budget_ms is None
            else f"   {'within' if p95 <= budget_ms else 'OVER'} the {budget_ms:.0f} ms p95 budget"
        )
        print(
            f"{name:22s} median {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms   "
            f"mean {statistics.mean(values):7.1f} ms   max {max(values):7.1f} ms{verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the 50 questions")
    args = parser.parse_args()
    encoders = {"MiniLM (NumPy)": MiniLM(pooling=POOLING), "MPNet (NumPy)": MPNet(pooling=POOLING)}
    times = time_in_turns(encoders, args.rounds)
    report(times, encoders["MPNet (NumPy)"], args.rounds, f"load average {os.getloadavg()}")
    ratio = statistics.median(times["MPNet (NumPy)"]) / statistics.median(times["MiniLM (NumPy)"])
    print(f"MPNet / MiniLM median: {ratio:.1f}x")


if __name__ == "__main__":
    main()
