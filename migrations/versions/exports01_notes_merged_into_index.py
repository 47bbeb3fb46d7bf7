"""notes.merged_into_id indexed: deleting notes no longer scans every note per note

The foreign key from a merged note to the note it went into has ON DELETE SET NULL:
deleting a note looks for the notes merged into it, and without an index that is a scan
of the table for every note deleted. Removing a workshop of 10,000 notes (an import
stopped half way, a deletion) took minutes on SQLite; with the index, a fraction of a
second.

Revision ID: exports01
Revises: vectors01
Create Date: 2026-12-02 01:50:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'exports01'
down_revision = 'vectors01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notes') as batch:
        batch.create_index('ix_notes_merged_into_id', ['merged_into_id'])


def downgrade():
    with op.batch_alter_table('notes') as batch:
        batch.drop_index('ix_notes_merged_into_id')
