"""resident access version: raised when the resident's roles or homes change

Revision ID: 5c1e7a9d3b21
Revises: 9223f409adc6
Create Date: 2026-12-07 18:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e7a9d3b21'
down_revision = '9223f409adc6'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (resident is pointed at by many tables; batch mode would copy it).
    op.add_column('resident', sa.Column('access_version', sa.Integer(), server_default='0',
                                        nullable=False))


def downgrade():
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('access_version')
