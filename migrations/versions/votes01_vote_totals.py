"""vote_totals: each workshop's dots out and how many participants have any, kept with each
dot in the workshop's turn (a dot's tally no longer sums every vote of the room)

Revision ID: votes01
Revises: polls01
Create Date: 2026-12-02 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'votes01'
down_revision = 'polls01'
branch_labels = None
depends_on = None


def upgrade():
    # No rows: a workshop's totals are read from its votes by its next dot, then kept.
    op.create_table(
        'vote_totals',
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('dots', sa.Integer(), nullable=False),
        sa.Column('voters', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('workshop_id'),
    )


def downgrade():
    op.drop_table('vote_totals')
