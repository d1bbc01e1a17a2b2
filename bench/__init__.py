"""Benchmarks and load generators: make bench, bench-nlu, bench-train, soak."""
