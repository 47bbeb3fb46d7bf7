"""Pledges: "I would join" on a candidate coalition, from a phone."""
