"""unit path compared byte by byte; index on the issue's submitter

"This unit or below" is now a range on unit.path (see units.models.TreePath). PostgreSQL
needs the "C" collation on the column for the range and the B-tree to agree; SQLite compares
bytes already. "My issues" looks issues up by submitted_by_id, which had no index.

Revision ID: ef9a5bda7a56
Revises: 399e034a4357
Create Date: 2026-11-29 16:05:10.011390

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ef9a5bda7a56'
down_revision = '399e034a4357'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("unit", "path", type_=sa.String(200, collation="C"),
                        existing_type=sa.String(200), existing_nullable=False)
    with op.batch_alter_table('issue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issue_submitted_by_id'), ['submitted_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('issue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issue_submitted_by_id'))
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("unit", "path", type_=sa.String(200),
                        existing_type=sa.String(200, collation="C"), existing_nullable=False)
