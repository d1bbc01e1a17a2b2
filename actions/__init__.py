"""Custom actions of the exosome FAQ bot, one module per concern."""
