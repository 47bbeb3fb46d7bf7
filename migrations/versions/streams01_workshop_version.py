"""event_streams.workshop_version: moves with every change of the workshop's row, read
with the workshop's turn, so a process knows whether its copy of the workshop holds

Revision ID: streams01
Revises: synthesis02
Create Date: 2026-12-02 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'streams01'
down_revision = 'synthesis02'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_streams', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('workshop_version', sa.BigInteger(), nullable=False, server_default='0')
        )


def downgrade():
    with op.batch_alter_table('event_streams', schema=None) as batch_op:
        batch_op.drop_column('workshop_version')
