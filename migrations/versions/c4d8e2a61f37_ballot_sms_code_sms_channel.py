"""voting by SMS: one-time codes per ballot and elector; the 短信 channel (issue 17 §2)

Revision ID: c4d8e2a61f37
Revises: a7c3e9f1b254
Create Date: 2026-12-07 19:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d8e2a61f37'
down_revision = 'a7c3e9f1b254'
branch_labels = None
depends_on = None

OLD = "channel IN ('web','kiosk','visit','paper','assembly')"
NEW = "channel IN ('web','kiosk','visit','paper','assembly','sms')"


def _channels(check):
    # Nothing points at ballot_participation, so SQLite's batch copy of it is safe.
    with op.batch_alter_table('ballot_participation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ballot_participation_channel'), type_='check')
        batch_op.create_check_constraint(op.f('ck_ballot_participation_channel'), check)


def upgrade():
    op.create_table(
        'ballot_sms_code',
        sa.Column('ballot_id', sa.Integer(), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('voter_key', sa.String(length=24), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('pending_option_id', sa.Integer(), nullable=True),
        sa.Column('pending_until', sa.DateTime(), nullable=True),
        sa.Column('wrong', sa.Integer(), nullable=False),
        sa.Column('locked', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['ballot_id'], ['ballot.id'],
                                name=op.f('fk_ballot_sms_code_ballot_id_ballot'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['pending_option_id'], ['ballot_option.id'],
                                name=op.f('fk_ballot_sms_code_pending_option_id_ballot_option'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['resident_id'], ['resident.id'],
                                name=op.f('fk_ballot_sms_code_resident_id_resident'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('ballot_id', 'resident_id', name=op.f('pk_ballot_sms_code')),
    )
    op.create_index(op.f('ix_ballot_sms_code_resident_id'), 'ballot_sms_code', ['resident_id'],
                    unique=False)
    _channels(NEW)


def downgrade():
    # Refused (the check fails) while any vote was cast by SMS: votes are never dropped.
    _channels(OLD)
    op.drop_index(op.f('ix_ballot_sms_code_resident_id'), table_name='ballot_sms_code')
    op.drop_table('ballot_sms_code')
