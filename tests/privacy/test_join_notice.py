"""Before entering, a participant reads what is kept about them, under which licence their
notes are published, and for how long — in French and in English."""

from __future__ import annotations

from flask import Flask

from facilitation.coalitions import services as coalitions
from facilitation.extensions import db


def test_the_join_page_says_what_is_kept_under_which_licence_and_how_long(client, workshop):  # type: ignore[no-untyped-def]
    page = client.get(f"/j/{workshop.code}").get_data(as_text=True)
    assert "Your data" in page
    assert "the nickname you give" in page
    assert "e-mail address you give" in page
    assert (
        'href="https://creativecommons.org/licenses/by-sa/4.0/" rel="license">CC BY-SA 4.0' in page
    )
    assert "deleted 365 days after the workshop ends" in page
    assert 'href="/source.zip"' in page  # the AGPL's offer, on the participant's page too


def test_in_french_with_the_instance_licence_and_retention(make_app, create_workshop):  # type: ignore[no-untyped-def]
    app: Flask = make_app(SYNTHESIS_LICENCE="CC0-1.0", RETENTION_DAYS=90)
    with app.app_context():
        workshop = create_workshop()
        browser = app.test_client()
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
        page = browser.get(f"/j/{workshop.code}").get_data(as_text=True)
    assert "Vos données" in page
    assert "Ce qui est conservé : le pseudonyme" in page
    assert "sous la licence" in page
    assert ">CC0 1.0</a>" in page
    assert "Tout est supprimé 90 jours après la fin de l'atelier" in page


def test_with_no_retention_it_says_data_stays_until_deleted(make_app, create_workshop):  # type: ignore[no-untyped-def]
    app: Flask = make_app(RETENTION_DAYS=0)
    with app.app_context():
        workshop = create_workshop()
        browser = app.test_client()
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        page = browser.get(f"/j/{workshop.code}").get_data(as_text=True)
    assert "kept until the organisers delete the workshop" in page


def test_joining_a_coalition_on_the_web_says_what_is_shown_and_how_long_it_is_kept(
    client, facilitator
):  # type: ignore[no-untyped-def]
    coalition = coalitions.create(facilitator, {"title": "Vélobus", "status": "proposed"})
    db.session.commit()
    page = client.get(f"/coalitions/{coalition.id}").get_data(as_text=True)
    assert "your e-mail address only to those who run the coalition" in page
    assert "kept with the coalition until you ask its organisers to delete them" in page
