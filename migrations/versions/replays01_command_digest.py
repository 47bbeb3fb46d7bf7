"""commands remember what they were: a digest of their payload

A command_id reused for a different command must not replay the old ack: the stored
command keeps its name (already) and now a digest of its payload. Commands stored before
have none, and are compared by name alone.

Revision ID: replays01
Revises: 8d5396773b5f
Create Date: 2026-12-01 19:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'replays01'
down_revision = '8d5396773b5f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('commands', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('commands', schema=None) as batch_op:
        batch_op.drop_column('digest')
