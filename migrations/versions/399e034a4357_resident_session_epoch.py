"""resident session epoch: logout and PIN reset end every copy of a login cookie

Cookies issued before this revision carry no epoch and are refused: everyone logs in once more.

Revision ID: 399e034a4357
Revises: 35fa5bc5aa7b
Create Date: 2026-11-29 15:38:07.747170

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '399e034a4357'
down_revision = '35fa5bc5aa7b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
