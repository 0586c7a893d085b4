"""sms outbox: queued messages, sent once by sms-deliver, not at night

Revision ID: 51f14dcc850c
Revises: 7d41c2a9e0b5
Create Date: 2026-12-07 16:19:16.491638

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '51f14dcc850c'
down_revision = '7d41c2a9e0b5'
branch_labels = None
depends_on = None


def upgrade():
    # sms_message is referenced by no table, so batch mode may copy and drop it. Messages
    # recorded before the outbox were handed to the gateway at once: they stay 'sent'.
    with op.batch_alter_table('sms_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resident_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='sent',
                                      nullable=False))
        batch_op.add_column(sa.Column('send_after', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('error', sa.String(length=200), nullable=True))
        batch_op.create_index('ix_sms_message_due', ['status', 'send_after'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sms_message_resident_id_resident'),
                                    'resident', ['resident_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(
            op.f('ck_sms_message_sms_status'),
            "status IN ('queued', 'sending', 'sent', 'failed')")


def downgrade():
    with op.batch_alter_table('sms_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sms_message_sms_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_sms_message_resident_id_resident'),
                                 type_='foreignkey')
        batch_op.drop_index('ix_sms_message_due')
        batch_op.drop_column('error')
        batch_op.drop_column('attempts')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('send_after')
        batch_op.drop_column('status')
        batch_op.drop_column('resident_id')
