"""Baseline a clinic might pick instead of Rasa: TF-IDF (word + character n-grams) + logistic regression.

Trained on data/nlu, scored on the held-out split with the same rules as research/evaluate.py:
below --threshold the baseline says nlu_fallback.
"""

import argparse
import time
from pathlib import Path

from exobot.paths import ROOT
from exobot.tools.evaluation import load_examples, score
from exobot.tools.nlu_files import examples_by_intent


def main() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nlu", type=Path, default=ROOT / "tests" / "nlu" / "test_nlu.yml")
    parser.add_argument("--threshold", type=float, default=0.3)
    args = parser.parse_args()
    training = [
        (t, i) for i, ts in examples_by_intent(sorted((ROOT / "data" / "nlu").glob("*.yml"))).items() for t in ts
    ]
    model = make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True),
        ),
        LogisticRegression(C=20, max_iter=2000),
    )
    start = time.monotonic()
    model.fit([t.lower() for t, _ in training], [i for _, i in training])
    seconds = time.monotonic() - start
    examples = load_examples(args.nlu)
    probabilities = model.predict_proba([t.lower() for t, _ in examples])
    predictions = []
    for row in probabilities:
        best = row.argmax()
        name = model.classes_[best] if row[best] >= args.threshold else "nlu_fallback"
        predictions.append((name, float(row[best])))
    s = score(examples, predictions)
    print(
        f"| tfidf_logreg (threshold {args.threshold}) | {s['in_scope_accuracy']:.1%} | "
        f"{s['out_of_scope_recall']:.1%} | "
        f"{s['accuracy']:.1%} | {s['macro_f1']:.3f} | {seconds:.0f} s |"
    )


if __name__ == "__main__":
    main()
