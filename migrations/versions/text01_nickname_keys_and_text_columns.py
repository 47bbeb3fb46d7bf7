"""nickname look-alike keys; user text columns bounded by their schemas, in characters

Revision ID: text01
Revises: replays01
Create Date: 2026-12-01 10:00:00.000000

Text limits now count grapheme clusters: a 40-character nickname of family emoji is 280
code points, more than PostgreSQL's varchar(40) holds. The columns become text (a catalogue
change on PostgreSQL, no rewrite); SQLite never enforced those lengths and is left alone
(rebuilding a table that others reference would cascade deletes).

Nicknames get a look-alike key, unique per workshop. Existing participants keep their
nickname; where two already read alike, the first to join keeps the key.
"""

from alembic import op
import sqlalchemy as sa

from facilitation.text import look_alike_key

# revision identifiers, used by Alembic.
revision = 'text01'
down_revision = 'replays01'
branch_labels = None
depends_on = None

WIDENED = [
    ("participants", "nickname", 40, True),
    ("groups", "title", 120, False),
    ("pledges", "name", 120, True),
    ("pledges", "organisation", 160, True),
    ("workshops", "title", 200, False),
    ("coalitions", "title", 200, False),
    ("coalition_members", "name", 120, False),
    ("coalition_members", "organisation", 160, False),
    ("coalition_members", "role", 120, False),
]
INDEX = "uq_participants_workshop_id_nickname_key"


def _widen(to_text: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length, nullable in WIDENED:
        old, new = sa.String(length), sa.Text()
        op.alter_column(
            table,
            column,
            type_=new if to_text else old,
            existing_type=old if to_text else new,
            existing_nullable=nullable,
        )


def _backfill_keys() -> None:
    connection = op.get_bind()
    participants = sa.table(
        "participants",
        sa.column("id", sa.Integer),
        sa.column("workshop_id", sa.Integer),
        sa.column("nickname", sa.Text),
        sa.column("nickname_key", sa.Text),
    )
    rows = connection.execute(
        sa.select(participants.c.id, participants.c.workshop_id, participants.c.nickname)
        .where(participants.c.nickname.is_not(None))
        .order_by(participants.c.id)
    )
    taken = set()
    for participant_id, workshop_id, nickname in rows.all():
        key = look_alike_key(nickname) or None
        if key is None or (workshop_id, key) in taken:
            continue
        taken.add((workshop_id, key))
        connection.execute(
            participants.update()
            .where(participants.c.id == participant_id)
            .values(nickname_key=key)
        )


def upgrade():
    _widen(to_text=True)
    op.add_column("participants", sa.Column("nickname_key", sa.Text(), nullable=True))
    _backfill_keys()
    op.create_index(INDEX, "participants", ["workshop_id", "nickname_key"], unique=True)


def downgrade():
    op.drop_index(INDEX, table_name="participants")
    if op.get_bind().dialect.name == "sqlite":  # natively, without rebuilding the table
        op.execute("ALTER TABLE participants DROP COLUMN nickname_key")
    else:
        op.drop_column("participants", "nickname_key")
    _widen(to_text=False)
