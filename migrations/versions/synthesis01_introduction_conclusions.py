"""workshops.synthesis_introduction, synthesis_conclusions: what the facilitator writes
around the synthesis before sending it

Revision ID: synthesis01
Revises: exports01
Create Date: 2026-12-02 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'synthesis01'
down_revision = 'exports01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('synthesis_introduction', sa.Text(), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('synthesis_conclusions', sa.Text(), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_column('synthesis_conclusions')
        batch_op.drop_column('synthesis_introduction')
