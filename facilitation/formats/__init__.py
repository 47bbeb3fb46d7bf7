"""Workshop formats: declarative files in ``workshops/``, checked once at start-up."""

from .kinds import CAPABILITIES, KINDS
from .loader import FormatError, FormatRegistry, load_format, load_formats
from .model import (
    Area,
    Criterion,
    Format,
    LocalizedText,
    Phase,
    PollRules,
    RateRules,
    Scale,
    VoteRules,
)

__all__ = [
    "CAPABILITIES",
    "KINDS",
    "Area",
    "Criterion",
    "Format",
    "FormatError",
    "FormatRegistry",
    "LocalizedText",
    "Phase",
    "PollRules",
    "RateRules",
    "Scale",
    "VoteRules",
    "load_format",
    "load_formats",
]
