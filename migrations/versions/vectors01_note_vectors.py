"""note_vectors: each note's sentence vector, for grouping assistance

Computed after the note's commit, off the live channel; notes without one (imported,
or older than this table) get theirs when the facilitator first asks for suggestions.

Revision ID: vectors01
Revises: members01
Create Date: 2026-12-02 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'vectors01'
down_revision = 'members01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'note_vectors',
        sa.Column('note_id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['note_id'], ['notes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('note_id'),
    )
    op.create_index('ix_note_vectors_workshop_id', 'note_vectors', ['workshop_id'])


def downgrade():
    op.drop_index('ix_note_vectors_workshop_id', table_name='note_vectors')
    op.drop_table('note_vectors')
