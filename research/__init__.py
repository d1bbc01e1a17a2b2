"""NLU research: evaluation reports, typo copies, threshold sweeps, baselines and experiments (docs/nlu.md)."""
