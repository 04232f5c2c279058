"""Tariff list of each utility, derived from its charges.

`/billing` grouped every charge of the utility on each page view; the charges import now keeps
`service_tariffs` (filled here from the charges already imported, one tenant at a time under its
row-level-security scope).

Revision ID: a8f7e6d5c4b3
Revises: f7e6d5c4b3a2
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa

from app.tenancy.rls import disable_row_level_security, enable_row_level_security

revision = 'a8f7e6d5c4b3'
down_revision = 'f7e6d5c4b3a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'service_tariffs',
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('service', sa.String(length=32), nullable=False),
        sa.Column('tariff_kopecks', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ['tenant_id'], ['tenants.id'], name=op.f('fk_service_tariffs_tenant_id_tenants'),
            ondelete='RESTRICT',
        ),
        sa.PrimaryKeyConstraint(
            'tenant_id', 'service', 'tariff_kopecks', name=op.f('pk_service_tariffs')
        ),
    )
    enable_row_level_security(op, 'service_tariffs')
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    for tenant_id in bind.execute(sa.text('SELECT id FROM tenants')).scalars().all():
        if postgres:
            bind.execute(
                sa.text("SELECT set_config('app.tenant_id', :tenant, true)"),
                {'tenant': str(tenant_id)},
            )
        bind.execute(
            sa.text(
                'INSERT INTO service_tariffs (tenant_id, service, tariff_kopecks, effective_from) '
                'SELECT tenant_id, service, tariff_kopecks, min(period) FROM charges '
                'WHERE tenant_id = :tenant AND tariff_kopecks IS NOT NULL '
                'GROUP BY tenant_id, service, tariff_kopecks'
            ),
            {'tenant': tenant_id},
        )
    if postgres:
        bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))


def downgrade():
    disable_row_level_security(op, 'service_tariffs')
    op.drop_table('service_tariffs')
