"""Custom NLU components of the exosome FAQ bot."""
