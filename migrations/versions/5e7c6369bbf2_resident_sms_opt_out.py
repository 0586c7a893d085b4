"""resident sms opt-out: a resident may ask for no SMS; notices still reach their to-dos

Revision ID: 5e7c6369bbf2
Revises: ef9a5bda7a56
Create Date: 2026-12-07 15:55:13.502860

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7c6369bbf2'
down_revision = 'ef9a5bda7a56'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (SQLite allows NOT NULL with a constant default): batch mode would
    # copy and drop the resident table, which the foreign keys of a populated database refuse.
    op.add_column('resident', sa.Column('sms_opt_out', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))


def downgrade():
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('sms_opt_out')
