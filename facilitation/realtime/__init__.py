"""The live channel: event log, publish-after-commit, socket commands, presence."""
