"""sms inbound and opt-out list; must messages; the outbox by phone (issue 17 §1)

Revision ID: a7c3e9f1b254
Revises: b7e2d4f19a60
Create Date: 2026-12-07 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b254'
down_revision = 'b7e2d4f19a60'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('sms_message', sa.Column('must', sa.Boolean(), server_default=sa.false(),
                                           nullable=False))
    op.create_index('ix_sms_message_phone', 'sms_message', ['phone', 'sent_at'], unique=False)
    op.create_table(
        'sms_inbound',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('backend', sa.String(length=40), nullable=False),
        sa.Column('provider_id', sa.String(length=64), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('handled_at', sa.DateTime(), nullable=True),
        sa.Column('resident_id', sa.Integer(), nullable=True),
        sa.Column('command', sa.String(length=20), nullable=True),
        sa.Column('reply_id', sa.Integer(), nullable=True),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.CheckConstraint("status IN ('new', 'handling', 'done', 'failed')",
                           name=op.f('ck_sms_inbound_sms_inbound_status')),
        sa.ForeignKeyConstraint(['resident_id'], ['resident.id'],
                                name=op.f('fk_sms_inbound_resident_id_resident'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_inbound')),
        sa.UniqueConstraint('backend', 'provider_id',
                            name=op.f('uq_sms_inbound_backend_provider_id')),
    )
    op.create_index('ix_sms_inbound_todo', 'sms_inbound', ['status', 'id'], unique=False)
    op.create_index('ix_sms_inbound_phone', 'sms_inbound', ['phone', 'created_at'], unique=False)
    op.create_index(op.f('ix_sms_inbound_resident_id'), 'sms_inbound', ['resident_id'],
                    unique=False)
    op.create_table(
        'sms_opt_out',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_opt_out')),
        sa.UniqueConstraint('phone', name=op.f('uq_sms_opt_out_phone')),
    )


def downgrade():
    op.drop_table('sms_opt_out')
    op.drop_index(op.f('ix_sms_inbound_resident_id'), table_name='sms_inbound')
    op.drop_index('ix_sms_inbound_phone', table_name='sms_inbound')
    op.drop_index('ix_sms_inbound_todo', table_name='sms_inbound')
    op.drop_table('sms_inbound')
    op.drop_index('ix_sms_message_phone', table_name='sms_message')
    with op.batch_alter_table('sms_message', schema=None) as batch_op:
        batch_op.drop_column('must')
