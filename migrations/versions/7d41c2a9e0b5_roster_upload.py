"""roster upload kept between its preview and the confirmation

Revision ID: 7d41c2a9e0b5
Revises: c366e12927f3
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d41c2a9e0b5'
down_revision = 'c366e12927f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roster_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['resident.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_upload_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_upload_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_upload_created_at'))
        batch_op.drop_index(batch_op.f('ix_roster_upload_actor_id'))

    op.drop_table('roster_upload')
