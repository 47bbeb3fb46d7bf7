"""Grouping assistance for the facilitator: suggested groups, the loose notes most like
a group, duplicates flagged as they are posted. Suggestions only: nothing is grouped,
merged or moved here; the facilitator applies what they accept with the notes' and
groups' own commands."""
