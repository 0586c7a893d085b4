"""ballot option kind: yes, no, choice or abstain, stored when the ballot is made

Revision ID: 9223f409adc6
Revises: 3b8e1f0c2d4a
Create Date: 2026-12-07 16:58:45.437546

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9223f409adc6'
down_revision = '3b8e1f0c2d4a'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: batch mode would copy and drop ballot_option, which the counts and
    # choices of a populated database point at. The kinds of existing options are what the
    # counting read from their words until now.
    op.add_column('ballot_option', sa.Column('kind', sa.String(length=8),
                                             server_default='choice', nullable=False))
    op.execute("UPDATE ballot_option SET kind = 'yes' WHERE label = '同意'")
    op.execute("UPDATE ballot_option SET kind = 'no' WHERE label IN ('反对', '不同意')")
    op.execute("UPDATE ballot_option SET kind = 'abstain' WHERE abstain")
    if op.get_bind().dialect.name == "postgresql":  # SQLite cannot add a CHECK in place
        op.create_check_constraint(op.f('ck_ballot_option_kind'), 'ballot_option',
                                   "kind IN ('yes', 'no', 'choice', 'abstain')")
        op.create_check_constraint(op.f('ck_ballot_option_abstain_kind'), 'ballot_option',
                                   "abstain = (kind = 'abstain')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('ck_ballot_option_abstain_kind'), 'ballot_option')
        op.drop_constraint(op.f('ck_ballot_option_kind'), 'ballot_option')
    with op.batch_alter_table('ballot_option', schema=None) as batch_op:
        batch_op.drop_column('kind')
