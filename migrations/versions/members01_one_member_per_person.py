"""coalition_members: one member per participant and coalition (duplicates merged)

A participant who pledged on a group, then on the proposal made from it, was counted
twice. The earliest row is kept, completed with what the later ones said.

Revision ID: members01
Revises: doors01
Create Date: 2026-12-01 23:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'members01'
down_revision = 'doors01'
branch_labels = None
depends_on = None

members = sa.table(
    'coalition_members',
    sa.column('id', sa.Integer),
    sa.column('coalition_id', sa.Integer),
    sa.column('participant_id', sa.Integer),
    sa.column('name', sa.Text),
    sa.column('organisation', sa.Text),
)


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(members)
        .where(members.c.participant_id.is_not(None))
        .order_by(members.c.coalition_id, members.c.participant_id, members.c.id)
    ).all()
    kept = {}
    for row in rows:
        key = (row.coalition_id, row.participant_id)
        if key not in kept:
            kept[key] = row
            continue
        first = kept[key]
        completed = {
            name: getattr(row, name)
            for name in ('name', 'organisation')
            if getattr(row, name) and not getattr(first, name)
        }
        if completed:
            connection.execute(members.update().where(members.c.id == first.id).values(**completed))
        connection.execute(members.delete().where(members.c.id == row.id))
    with op.batch_alter_table('coalition_members', schema=None) as batch_op:
        batch_op.create_index(
            'uq_coalition_members_participant', ['coalition_id', 'participant_id'], unique=True
        )


def downgrade():
    with op.batch_alter_table('coalition_members', schema=None) as batch_op:
        batch_op.drop_index('uq_coalition_members_participant')
