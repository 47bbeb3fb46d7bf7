"""workshops.joining_closed_at: the facilitator closed joining (new participants refused)

Revision ID: doors01
Revises: accounts01
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import facilitation.database

# revision identifiers, used by Alembic.
revision = 'doors01'
down_revision = 'accounts01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('joining_closed_at', facilitation.database.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_column('joining_closed_at')
