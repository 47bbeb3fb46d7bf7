"""proposal_ratings: a coalition proposal rated on a lens's criteria from its page

Revision ID: ratings02
Revises: streams02
Create Date: 2026-12-02 11:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'ratings02'
down_revision = 'streams02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'proposal_ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('coalition_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('lens', sa.String(length=40), nullable=False),
        sa.Column('criterion', sa.String(length=40), nullable=False),
        sa.Column('value', sa.SmallInteger(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['coalition_id'], ['coalitions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('coalition_id', 'user_id', 'lens', 'criterion'),
    )
    with op.batch_alter_table('proposal_ratings', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_proposal_ratings_coalition_id'), ['coalition_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('proposal_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_ratings_coalition_id'))
    op.drop_table('proposal_ratings')
