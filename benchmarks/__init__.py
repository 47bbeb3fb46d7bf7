"""Load benchmarks of the live channel (see ``benchmarks.run`` for usage)."""
