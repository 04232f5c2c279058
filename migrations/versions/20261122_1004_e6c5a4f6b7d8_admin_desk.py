"""Admin accounts desk and readings desk.

Folded surname and address of accounts for the staff search (filled here for existing rows), and
an index on a period's reading submissions for the readings desk.

Revision ID: e6c5a4f6b7d8
Revises: d6b4f3e5a6c7
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa

from app.text import fold

revision = 'e6c5a4f6b7d8'
down_revision = 'd6b4f3e5a6c7'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_surname_folded', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('address_folded', sa.String(length=500), nullable=True))
        batch_op.create_index(batch_op.f('ix_accounts_tenant_id_owner_surname_folded'), ['tenant_id', 'owner_surname_folded'], unique=False)
    with op.batch_alter_table('reading_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reading_submissions_tenant_id_period_account_id'), ['tenant_id', 'period', 'account_id'], unique=False)
    _backfill_folded_columns(op.get_bind())


def _backfill_folded_columns(bind):
    """fold() runs in Python only (Unicode case and ё): read and write the rows in batches, one
    tenant at a time under its row-level-security scope."""
    postgres = bind.dialect.name == 'postgresql'
    accounts = sa.table(
        'accounts',
        sa.column('tenant_id', sa.Integer()),
        sa.column('id', sa.Uuid()),
        sa.column('owner_surname', sa.String()),
        sa.column('address', sa.String()),
        sa.column('owner_surname_folded', sa.String()),
        sa.column('address_folded', sa.String()),
    )
    update = (
        accounts.update()
        .where(accounts.c.tenant_id == sa.bindparam('t_id'), accounts.c.id == sa.bindparam('a_id'))
        .values(owner_surname_folded=sa.bindparam('surname'), address_folded=sa.bindparam('addr'))
    )
    tenant_ids = bind.execute(sa.text('SELECT id FROM tenants')).scalars().all()
    for tenant_id in tenant_ids:
        if postgres:
            bind.execute(
                sa.text("SELECT set_config('app.tenant_id', :tenant, true)"),
                {'tenant': str(tenant_id)},
            )
        while True:
            rows = bind.execute(
                sa.select(accounts.c.id, accounts.c.owner_surname, accounts.c.address)
                .where(accounts.c.tenant_id == tenant_id, accounts.c.owner_surname_folded.is_(None))
                .limit(BATCH)
            ).all()
            if not rows:
                break
            bind.execute(update, [
                {
                    't_id': tenant_id,
                    'a_id': row.id,
                    'surname': fold(row.owner_surname)[:100],
                    'addr': fold(row.address)[:500],
                }
                for row in rows
            ])
    if postgres:
        bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))


def downgrade():
    with op.batch_alter_table('reading_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reading_submissions_tenant_id_period_account_id'))
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_tenant_id_owner_surname_folded'))
        batch_op.drop_column('address_folded')
        batch_op.drop_column('owner_surname_folded')
