"""Bulk tables lose their foreign key to tenants.

charges, payments, reading_submissions, reading_versions and readings each have a composite
foreign key (tenant_id, …) to a tenant-scoped parent, which already pins the tenant; the extra key
to `tenants` only cost a check per inserted row (a million of them per charges import).

Revision ID: f7e6d5c4b3a2
Revises: e6c5a4f6b7d8
Create Date: 2026-11-22

"""
from alembic import op

revision = 'f7e6d5c4b3a2'
down_revision = 'e6c5a4f6b7d8'
branch_labels = None
depends_on = None

TABLES = ('charges', 'payments', 'reading_submissions', 'reading_versions', 'readings')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_tenant_id_tenants', type_='foreignkey')


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(
                f'fk_{table}_tenant_id_tenants', 'tenants', ['tenant_id'], ['id'],
                ondelete='RESTRICT',
            )
