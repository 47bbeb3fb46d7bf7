"""A workshop at a real size: a hundred notes, in French or English, of every length a room
writes (a few words to a long sentence, long words included), stored with the app's own
services in the server's database, as if posted from the room's phones."""

from __future__ import annotations

from itertools import cycle, islice

from sqlalchemy import select

from facilitation.accounts.services import find_by_email
from facilitation.auth import Actor, ActorKind
from facilitation.cards.services import add_card
from facilitation.database import unit_of_work
from facilitation.extensions import db
from facilitation.groups.services import create_group
from facilitation.notes.models import Note
from facilitation.notes.services import place_note, post_note
from facilitation.workshops.services import get_workshop

from .conftest import Live, server_app

IDEAS = {
    "fr": [
        "Des vélos partagés devant la gare",
        "Dématérialisation des abonnements de transport pour tous les usagers",
        "Un parking vélo sécurisé et couvert",
        "Covoiturage organisé par l'intercommunalité avec une application simple",
        "Horaires de bus adaptés aux équipes du matin",
        "Télétravail deux jours par semaine",
        "Prime mobilité durable versée chaque mois",
        "Navettes électriques entre les zones d'activité et le centre-ville",
        "Accessibilité des arrêts pour les personnes à mobilité réduite",
        "Douches et vestiaires au bureau",
        "Une carte des itinéraires cyclables sûrs, mise à jour par les habitants "
        "eux-mêmes et partagée avec la mairie",
        "Ateliers de réparation de vélos une fois par mois",
        "Tarif réduit pour les jeunes en apprentissage",
        "Pistes cyclables continues jusqu'aux villages",
        "Expérimentation d'un transport à la demande en soirée",
        "Interconnexion des réseaux départementaux et régionaux",
        "Des casiers pour ranger son casque",
        "Un référent mobilité dans chaque entreprise de plus de cinquante salariés",
        "Location longue durée de vélos à assistance électrique",
        "Sensibilisation des automobilistes au partage de la route",
    ],
    "en": [
        "Shared bikes in front of the station",
        "Dematerialisation of transport passes for every commuter",
        "A secure, covered bike park",
        "Car sharing organised by the intermunicipal authority with a simple app",
        "Bus timetables that suit the early shifts",
        "Working from home two days a week",
        "A sustainable mobility allowance paid every month",
        "Electric shuttles between the business parks and the town centre",
        "Accessibility of bus stops for people with reduced mobility",
        "Showers and changing rooms at the office",
        "A map of safe cycling routes, kept up to date by the residents themselves "
        "and shared with the town hall",
        "Bike repair workshops once a month",
        "Reduced fares for young apprentices",
        "Continuous cycle lanes out to the villages",
        "Trying on-demand transport in the evening",
        "Interconnection of the county and regional networks",
        "Lockers to keep your helmet",
        "A mobility officer in every company with more than fifty employees",
        "Long-term rental of electric bikes",
        "Raising drivers' awareness of sharing the road",
    ],
}
PLACES = {
    "fr": ["", " (quartier nord)", " pour les familles", " — zone sud", " près du lycée"],
    "en": ["", " (north side)", " for families", " — south area", " near the school"],
}
GROUPS = {
    "fr": ["Vélo", "Transports en commun", "Organisation du travail", "Covoiturage et voiture"],
    "en": ["Cycling", "Public transport", "Ways of working", "Car sharing and cars"],
}


def notes(language: str, count: int = 100) -> list[str]:
    """`count` different notes: the ideas, then again with a place or an audience."""
    ideas = IDEAS[language]
    texts = [idea + place for place in PLACES[language] for idea in ideas]
    return list(islice(cycle(texts), count))


def facilitator(facilitator_email: str, workshop_id: int) -> Actor:
    user = find_by_email(facilitator_email)
    assert user is not None
    return Actor(ActorKind.FACILITATOR, workshop_id, user_id=user.id)


def seed(
    live: Live,
    facilitator_email: str,
    workshop_id: int,
    language: str,
    count: int = 100,
    areas: list[str] | None = None,
) -> list[str]:
    """Post `count` notes (spread over `areas` in turn); returns their texts. Screens
    already open catch up through the heartbeat."""
    texts = notes(language, count)
    with server_app(live), unit_of_work(workshop_id):
        actor = facilitator(facilitator_email, workshop_id)
        workshop = get_workshop(workshop_id)
        for text, area in zip(texts, cycle(areas or ["ideas"]), strict=False):
            post_note(actor, workshop, area, text, None)
    return texts


def group(live: Live, facilitator_email: str, workshop_id: int, language: str) -> list[str]:
    """Sort three notes in four into four groups, in turn (the rest stay loose); returns
    the groups' titles."""
    titles = GROUPS[language]
    with server_app(live), unit_of_work(workshop_id):
        actor = facilitator(facilitator_email, workshop_id)
        workshop = get_workshop(workshop_id)
        boxes = [create_group(actor, workshop, title, None) for title in titles]
        ids = db.session.scalars(
            select(Note.id).where(Note.workshop_id == workshop_id).order_by(Note.id)
        ).all()
        for i, note_id in enumerate(ids[: len(ids) * 3 // 4]):
            place_note(actor, workshop, note_id, boxes[i % len(boxes)].id, None)
    return titles


STRATEGIES = [
    "Monter avec les associations du territoire un dossier commun pour les fonds européens "
    "de la transition, et le présenter avant l'été",
    "S'appuyer sur le réseau des élus pour ouvrir deux tiers-lieux dans les bourgs",
    "Former les bénévoles à l'accompagnement numérique des habitants les plus éloignés",
    "Mutualiser les véhicules des associations le soir et le week-end",
    "Réduire la dépendance à la voiture avec un transport à la demande expérimental",
]


def strategies(live: Live, facilitator_email: str, workshop_id: int, count: int = 20) -> list[str]:
    """`count` TOWS strategy cards, long ones among them, spread over the four slots."""
    texts = list(islice(cycle(STRATEGIES), count))
    with server_app(live), unit_of_work(workshop_id):
        actor = facilitator(facilitator_email, workshop_id)
        workshop = get_workshop(workshop_id)
        for text, slot in zip(texts, cycle(["SO", "ST", "WO", "WT"]), strict=False):
            add_card(
                actor,
                workshop,
                {"kind": "strategy", "slot": slot, "text": text, "group_id": None, "links": []},
            )
    return texts
