"""reactions (agree, disagree or pass on a note) and opinion_maps (the revealed map)

Revision ID: reactions01
Revises: streams01
Create Date: 2026-12-02 07:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'reactions01'
down_revision = 'streams01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reactions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('note_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.SmallInteger(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('value IN (-1, 0, 1)', name='ck_reactions_value'),
        sa.ForeignKeyConstraint(['note_id'], ['notes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('participant_id', 'note_id'),
    )
    with op.batch_alter_table('reactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reactions_note_id'), ['note_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reactions_workshop_id'), ['workshop_id'], unique=False)
    op.create_table(
        'opinion_maps',
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('revealed', sa.Boolean(), nullable=False),
        sa.Column(
            'map', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=True,
        ),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('workshop_id'),
    )


def downgrade():
    op.drop_table('opinion_maps')
    with op.batch_alter_table('reactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reactions_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_reactions_note_id'))
    op.drop_table('reactions')
