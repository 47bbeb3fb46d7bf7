"""Groups of notes, named by the facilitator."""
