"""Built-in rating lenses: criteria a format's `rate` phase may name instead of listing
them (``rate = { target = "proposals", lens = "reset_qualities" }``), and that pages
outside a workshop use too (a coalition proposal's seven qualities)."""

from __future__ import annotations

from .model import Criterion, LocalizedText, Scale

FIVE_POINTS = Scale(
    1,
    5,
    (
        LocalizedText("Pas du tout", "Not at all"),
        LocalizedText("Un peu", "A little"),
        LocalizedText("Moyennement", "Somewhat"),
        LocalizedText("Beaucoup", "Very"),
        LocalizedText("Pleinement", "Fully"),
    ),
)


def _quality(key: str, fr: str, en: str, about_fr: str, about_en: str) -> Criterion:
    return Criterion(key, LocalizedText(fr, en), FIVE_POINTS, LocalizedText(about_fr, about_en))


# The seven qualities #Reset asks of a chosen digital world (coalitions/models.py:
# QUALITIES names the same keys, in the same order).
RESET_QUALITIES = (
    _quality(
        "inclusive",
        "Inclusif",
        "Inclusive",
        "Ouvert à toutes et tous, quels que soient leurs moyens, compétences ou situation.",
        "Open to everyone, whatever their means, skills or situation.",
    ),
    _quality(
        "frugal",
        "Frugal",
        "Frugal",
        "Économe en énergie, en matières et en données ; durable et réparable.",
        "Sparing with energy, materials and data; lasting and repairable.",
    ),
    _quality(
        "democratic",
        "Démocratique",
        "Democratic",
        "Gouverné par celles et ceux qu'il concerne, ouvert au débat et à la contestation.",
        "Governed by those it concerns, open to debate and to challenge.",
    ),
    _quality(
        "protective",
        "Protecteur",
        "Protective",
        "Protège les personnes, leurs droits, leurs données et leur attention.",
        "Protects people, their rights, their data and their attention.",
    ),
    _quality(
        "innovative",
        "Innovant",
        "Innovative",
        "Fait quelque chose de neuf, ou autrement, que d'autres peuvent reprendre.",
        "Does something new, or in a new way, that others can take up.",
    ),
    _quality(
        "capacitating",
        "Capacitant",
        "Capacitating",
        "Rend chacun plus capable de comprendre, d'agir et de décider par lui-même.",
        "Makes people more able to understand, act and decide for themselves.",
    ),
    _quality(
        "equitable",
        "Équitable",
        "Equitable",
        "Partage équitablement la valeur, le pouvoir et les coûts entre les parties.",
        "Shares value, power and costs fairly among those involved.",
    ),
)

LENSES: dict[str, tuple[Criterion, ...]] = {"reset_qualities": RESET_QUALITIES}
