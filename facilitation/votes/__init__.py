"""Dot voting: budgets, caps, incremental tallies."""
