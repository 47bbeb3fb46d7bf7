"""workshops.synthesis_published, synthesis_version: the synthesis of an ended workshop
published at a signed public link (a new version revokes the links of the previous ones)

Revision ID: synthesis02
Revises: synthesis01
Create Date: 2026-12-02 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'synthesis02'
down_revision = 'synthesis01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('synthesis_published', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column('synthesis_version', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_column('synthesis_version')
        batch_op.drop_column('synthesis_published')
