"""Scale benchmarks of the peelstats analytics (see README.md)."""
