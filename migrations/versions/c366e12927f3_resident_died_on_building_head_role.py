"""resident died_on; building head role: a worker records a death and appoints 楼栋长

Revision ID: c366e12927f3
Revises: 5e7c6369bbf2
Create Date: 2026-12-07 16:11:09.677703

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c366e12927f3'
down_revision = '5e7c6369bbf2'
branch_labels = None
depends_on = None


OLD_ROLES = "role IN ('worker','party_reviewer','supervisor','volunteer','representative')"
NEW_ROLES = ("role IN ('worker','party_reviewer','supervisor','volunteer','representative',"
             "'building_head')")


def upgrade():
    # A plain ADD COLUMN: batch mode would copy and drop the resident table, which the
    # foreign keys of a populated database refuse.
    op.add_column('resident', sa.Column('died_on', sa.Date(), nullable=True))
    # role_assignment is referenced by no other table, so batch mode may copy it (SQLite
    # cannot alter a CHECK constraint in place).
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_role_assignment_role'), type_='check')
        batch_op.create_check_constraint('role', NEW_ROLES)


def downgrade():
    op.execute("DELETE FROM role_assignment WHERE role = 'building_head'")
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_role_assignment_role'), type_='check')
        batch_op.create_check_constraint('role', OLD_ROLES)
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('died_on')
