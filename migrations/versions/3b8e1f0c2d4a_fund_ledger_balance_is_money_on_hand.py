"""fund ledger: balance_after is the money on hand (budget + income - spending)

A movement's balance_after used to be what was neither allocated nor spent, so a project's
spending left it unchanged. Restate every row as the money on hand after it, in the order the
rows were written (as new rows are).

Revision ID: 3b8e1f0c2d4a
Revises: 51f14dcc850c
Create Date: 2026-12-07 16:50:00

"""
from decimal import Decimal

from alembic import op
import sqlalchemy as sa


revision = '3b8e1f0c2d4a'
down_revision = '51f14dcc850c'
branch_labels = None
depends_on = None


UPDATE = sa.text("UPDATE fund_movement SET balance_after = :b WHERE id = :i").bindparams(
    sa.bindparam("b", type_=sa.Numeric(14, 2)))


def upgrade():
    conn = op.get_bind()
    budgets = dict(conn.execute(sa.text("SELECT id, budget FROM fund")).all())
    on_hand = {fund_id: Decimal(str(budget)) for fund_id, budget in budgets.items()}
    rows = conn.execute(sa.text(
        "SELECT id, fund_id, kind, amount FROM fund_movement ORDER BY id")).all()
    for move_id, fund_id, kind, amount in rows:
        amount = Decimal(str(amount))
        if kind == "income":
            on_hand[fund_id] += amount
        elif kind == "spending":
            on_hand[fund_id] -= amount
        conn.execute(UPDATE, {"b": on_hand[fund_id], "i": move_id})


def downgrade():
    pass  # the old figure (not yet allocated) is still derivable from the ledger; not restored
