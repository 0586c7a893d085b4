"""sms private: texts about a vote are never shown to staff and cleared once sent or handled

Revision ID: e2b9f7c3a510
Revises: c4d8e2a61f37
Create Date: 2026-12-07 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2b9f7c3a510'
down_revision = 'c4d8e2a61f37'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('sms_message', sa.Column('private', sa.Boolean(), server_default=sa.false(),
                                           nullable=False))
    op.add_column('sms_inbound', sa.Column('private', sa.Boolean(), server_default=sa.false(),
                                           nullable=False))


def downgrade():
    with op.batch_alter_table('sms_inbound', schema=None) as batch_op:
        batch_op.drop_column('private')
    with op.batch_alter_table('sms_message', schema=None) as batch_op:
        batch_op.drop_column('private')
