"""A bare python-socketio server on Fabrique's wire, for ratios (see app.py)."""
