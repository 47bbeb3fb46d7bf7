"""ratings (a participant's value per item and criterion in a rating phase) and
rating_reveals (which rating phases' results are revealed)

Revision ID: ratings01
Revises: reactions01
Create Date: 2026-12-02 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'ratings01'
down_revision = 'reactions01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=40), nullable=False),
        sa.Column('item', sa.String(length=24), nullable=False),
        sa.Column('criterion', sa.String(length=40), nullable=False),
        sa.Column('value', sa.SmallInteger(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('participant_id', 'phase', 'item', 'criterion'),
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(
            'ix_ratings_workshop_phase_item', ['workshop_id', 'phase', 'item'], unique=False
        )
    op.create_table(
        'rating_reveals',
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=40), nullable=False),
        sa.Column('revealed', sa.Boolean(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('workshop_id', 'phase'),
    )


def downgrade():
    op.drop_table('rating_reveals')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_ratings_workshop_phase_item')
    op.drop_table('ratings')
