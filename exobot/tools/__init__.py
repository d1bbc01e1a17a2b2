"""Staff tools behind the make targets: train, import, add-topic, review, purge."""
