"""charges loses its (tenant_id, period) index.

Every query reads an account's charges (the primary key leads with tenant and account); the
index on period served none and cost a million entries per charges import.

Revision ID: b9a8f7e6d5c4
Revises: a8f7e6d5c4b3
Create Date: 2026-11-22

"""
from alembic import op

revision = 'b9a8f7e6d5c4'
down_revision = 'a8f7e6d5c4b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charges_tenant_id_period'))


def downgrade():
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charges_tenant_id_period'), ['tenant_id', 'period'], unique=False)
