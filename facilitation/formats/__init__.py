"""Workshop formats: declarative files in ``workshops/``, checked once at start-up."""

from .kinds import CAPABILITIES, KINDS
from .loader import FormatError, FormatRegistry, load_format, load_formats
from .model import Area, Format, LocalizedText, Phase, VoteRules

__all__ = [
    "CAPABILITIES",
    "KINDS",
    "Area",
    "Format",
    "FormatError",
    "FormatRegistry",
    "LocalizedText",
    "Phase",
    "VoteRules",
    "load_format",
    "load_formats",
]
