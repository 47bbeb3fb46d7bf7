"""Reactions: agree, disagree or pass on each note, and the room's opinion map."""
