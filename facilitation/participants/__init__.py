"""Participants: joining by code with no account, the signed identity, the phone page."""
