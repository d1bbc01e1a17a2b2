"""The test harness: start the bot, PostgreSQL and Redis on free local ports (used by tests and benchmarks)."""
