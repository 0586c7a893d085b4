"""intake webhooks: a callback per API token, the issue's token, the delivery outbox

Revision ID: b7e2d4f19a60
Revises: 5c1e7a9d3b21
Create Date: 2026-12-07 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2d4f19a60'
down_revision = '5c1e7a9d3b21'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs (issue is pointed at by many tables; batch mode would copy it).
    op.add_column('api_token', sa.Column('callback_url', sa.String(length=300), nullable=True))
    op.add_column('api_token', sa.Column('callback_secret', sa.String(length=80),
                                         nullable=True))
    fk = 'fk_issue_api_token_id_api_token'
    if op.get_bind().dialect.name == 'sqlite':  # SQLite takes a foreign key only inline
        op.add_column('issue', sa.Column('api_token_id', sa.Integer(),
                                         sa.ForeignKey('api_token.id', name=fk),
                                         nullable=True), inline_references=True)
    else:
        op.add_column('issue', sa.Column('api_token_id', sa.Integer(), nullable=True))
        op.create_foreign_key(fk, 'issue', 'api_token', ['api_token_id'], ['id'])
    op.create_table('webhook_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=False),
    sa.Column('api_token_id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending','sending','delivered','dead')",
                       name=op.f('ck_webhook_delivery_status')),
    sa.ForeignKeyConstraint(['api_token_id'], ['api_token.id'],
                            name=op.f('fk_webhook_delivery_api_token_id_api_token')),
    sa.ForeignKeyConstraint(['issue_id'], ['issue.id'],
                            name=op.f('fk_webhook_delivery_issue_id_issue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_delivery')),
    sa.UniqueConstraint('event_id', name=op.f('uq_webhook_delivery_event_id'))
    )
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_delivery_api_token_id'), ['api_token_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_delivery_issue_id'), ['issue_id'],
                              unique=False)
        batch_op.create_index('ix_webhook_delivery_due', ['status', 'next_try_at'],
                              unique=False)


def downgrade():
    op.drop_table('webhook_delivery')
    with op.batch_alter_table('issue', schema=None) as batch_op:
        batch_op.drop_column('api_token_id')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('callback_secret')
        batch_op.drop_column('callback_url')
