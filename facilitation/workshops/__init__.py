"""Workshops: creation from a format, join codes, phases, the control and board pages."""
