"""The coordinator's dashboard: every workshop and its outcome, and the coalition pipeline."""
