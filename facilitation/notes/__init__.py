"""Sticky notes: posting, editing, deleting, moderating."""
