"""Load benchmarks of the live channel (see ``benchmarks.run`` for usage)."""

import os

# The servers and apps the benchmarks start compute no note vectors unless asked
# (NOTE_VECTORS=1 measures the app's default): the figures stay comparable with the
# earlier ones, and a benchmark of something else does not load the sentence model.
os.environ.setdefault("NOTE_VECTORS", "0")
