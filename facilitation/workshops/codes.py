"""Join codes: eight characters from a secure random source, easy to read aloud and type."""

from __future__ import annotations

import secrets

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8  # 31**8 ≈ 8.5e11 codes: guessing one, rate-limited, is hopeless


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str | None:
    """'abcd-efgh ' → 'ABCDEFGH'; None when it cannot be a code at all."""
    code = "".join(char for char in raw.upper() if char.isalnum())
    valid = len(code) == CODE_LENGTH and all(char in CODE_ALPHABET for char in code)
    return code if valid else None


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"
