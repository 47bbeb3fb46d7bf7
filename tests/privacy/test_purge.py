"""`fabrique purge`: the workshops over for longer than RETENTION_DAYS go, with everything
their participants gave; the others stay untouched."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from facilitation.database import unit_of_work, utcnow
from facilitation.extensions import db
from facilitation.realtime.models import Event
from facilitation.workshops.models import Workshop

from .conftest import marked_workshop, new_marker, rows_holding, rows_naming


def age(workshop_id: int, days: int, ended: bool = True) -> None:
    """The workshop ended, or (never ended) last changed, so many days ago."""
    with unit_of_work(workshop_id):
        workshop = db.session.get(Workshop, workshop_id)
        assert workshop is not None
        when = utcnow() - timedelta(days=days)
        if ended:
            workshop.ended_at = when
        else:
            workshop.created_at = when
            events = db.update(Event).where(Event.workshop_id == workshop_id)
            db.session.execute(events.values(created_at=when))


def test_purge_deletes_what_is_older_than_the_retention_and_only_that(
    app, facilitator, create_workshop, logs
):  # type: ignore[no-untyped-def]
    assert app.config["RETENTION_DAYS"] == 365  # the default
    marker, recent_marker = new_marker(), new_marker()
    old = marked_workshop(app, facilitator, marker)
    recent = marked_workshop(app, facilitator, recent_marker)
    age(old.workshop.id, 366)
    age(recent.workshop.id, 364)
    forgotten = create_workshop(title="Jamais fini").id  # never ended, untouched for long
    age(forgotten, 400, ended=False)
    running = create_workshop(title="En cours").id
    folder = Path(app.config["EXPORT_CACHE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    orphan = folder / "w9999-s3-fr-0123456789abcdef0123.md"  # of a workshop deleted elsewhere
    orphan.write_text(f"{marker} in an old export")
    uploads = Path(app.instance_path) / "imports"
    uploads.mkdir(parents=True, exist_ok=True)
    left = uploads / f"{new_marker()}.json"  # an import killed before it removed its upload
    left.write_text(f'{{"nickname": "{marker}"}}')
    os.utime(left, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    current = uploads / f"{new_marker()}.json"  # an import under way
    current.write_text("{}")
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would delete workshop {old.workshop.id} " in dry.output
    assert f"would delete workshop {forgotten} " in dry.output
    assert "2 participants, 3 notes" in dry.output
    assert f"workshop {recent.workshop.id} " not in dry.output
    assert "2 workshops over for more than 365 days would be deleted" in dry.output
    assert marker not in dry.output  # ids and counts, never what people typed
    assert rows_holding(marker)
    assert orphan.exists()
    assert left.exists()

    done = runner.invoke(args=["purge"])
    assert done.exit_code == 0, done.output
    assert "2 workshops over for more than 365 days deleted" in done.output
    assert rows_holding(marker) == {}
    assert rows_naming("workshop_id", {old.workshop.id, forgotten}) == {}
    assert rows_naming("participant_id", old.participants) == {}
    assert not orphan.exists()
    assert not left.exists()
    assert current.exists()
    current.unlink()
    kept = set(db.session.scalars(db.select(Workshop.id)))
    assert kept == {recent.workshop.id, running}
    assert rows_holding(recent_marker)  # the recent one is whole
    lines = [record.getMessage() for record in logs.records]
    assert any(f"workshop {old.workshop.id} deleted" in line for line in lines)
    assert not [line for line in lines if marker in line or marker.lower() in line]


def test_a_retention_of_zero_keeps_every_workshop(make_app, facilitator):  # type: ignore[no-untyped-def]
    app = make_app(RETENTION_DAYS=0)
    with app.app_context():
        workshop = Workshop(code="OLDCODE1", board_key="k", format_key="brainstorm", title="T")
        workshop.created_by_id = facilitator.id
        workshop.ended_at = utcnow() - timedelta(days=5000)
        db.session.add(workshop)
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["purge"])
        assert result.exit_code == 0
        assert "kept until an admin deletes them" in result.output
        assert db.session.get(Workshop, workshop.id) is not None
