"""event_streams.reshaped: the last event that changed what participants may see, so a
phone's sync after a phase change needs no event read to know it wants a snapshot

Revision ID: streams02
Revises: ratings01
Create Date: 2026-12-02 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'streams02'
down_revision = 'ratings01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_streams', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('reshaped', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade():
    with op.batch_alter_table('event_streams', schema=None) as batch_op:
        batch_op.drop_column('reshaped')
