"""What the room thinks: opinion maps from agree / disagree / pass votes (no Flask)."""
