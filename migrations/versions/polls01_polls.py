"""polls (a workshop's quick polls, declared by a format's poll phase or asked live) and
poll_answers (each participant's choices in a poll)

Revision ID: polls01
Revises: ratings02
Create Date: 2026-12-02 11:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'polls01'
down_revision = 'ratings02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'polls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=40), nullable=True),
        sa.Column('question', sa.JSON(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('multiple', sa.Boolean(), nullable=False),
        sa.Column('max_choices', sa.SmallInteger(), nullable=True),
        sa.Column('open', sa.Boolean(), nullable=False),
        sa.Column('shown', sa.Boolean(), nullable=False),
        sa.Column('revealed', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.create_index('ix_polls_workshop', ['workshop_id'], unique=False)
    op.create_table(
        'poll_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('poll_id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('choices', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('poll_id', 'participant_id'),
    )
    with op.batch_alter_table('poll_answers', schema=None) as batch_op:
        batch_op.create_index('ix_poll_answers_workshop', ['workshop_id'], unique=False)


def downgrade():
    with op.batch_alter_table('poll_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_poll_answers_workshop')
    op.drop_table('poll_answers')
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.drop_index('ix_polls_workshop')
    op.drop_table('polls')
