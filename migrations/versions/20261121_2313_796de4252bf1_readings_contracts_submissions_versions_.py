"""Readings: contracts, submissions, every version of a reading, the current reading per period.

Revision ID: 796de4252bf1
Revises: 96f20854afeb
Create Date: 2026-11-21 23:13:19.208832

"""
from alembic import op
import sqlalchemy as sa

from app.tenancy.rls import disable_row_level_security, enable_row_level_security

TENANT_TABLES = ("contracts", "reading_submissions", "reading_versions", "readings")

revision = '796de4252bf1'
down_revision = '96f20854afeb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contracts',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['accounts.tenant_id', 'accounts.id'], name=op.f('fk_contracts_tenant_id_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_contracts_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('tenant_id', 'account_id', 'number', name=op.f('uq_contracts_tenant_id_account_id_number'))
    )
    op.create_table('reading_submissions',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('contract_id', sa.Uuid(), nullable=True),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('author_kind', sa.String(length=8), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('author_name', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("author_kind IN ('resident', 'staff', 'system')", name=op.f('ck_reading_submissions_author_kind')),
    sa.CheckConstraint("channel IN ('web', 'api', 'office', 'email', 'import')", name=op.f('ck_reading_submissions_channel')),
    sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['accounts.tenant_id', 'accounts.id'], name=op.f('fk_reading_submissions_tenant_id_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_reading_submissions_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_reading_submissions')),
    sa.UniqueConstraint('tenant_id', 'idempotency_key', name=op.f('uq_reading_submissions_tenant_id_idempotency_key'))
    )
    with op.batch_alter_table('reading_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reading_submissions_tenant_id_account_id_created_at'), ['tenant_id', 'account_id', 'created_at'], unique=False)

    op.create_table('reading_versions',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('submission_id', sa.Uuid(), nullable=False),
    sa.Column('meter_id', sa.Uuid(), nullable=False),
    sa.Column('zone', sa.SmallInteger(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('value_milli', sa.BigInteger(), nullable=False),
    sa.Column('consumption_milli', sa.BigInteger(), nullable=True),
    sa.Column('calculation_type', sa.String(length=16), nullable=True),
    sa.Column('note', sa.String(length=16), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('value_milli >= 0', name=op.f('ck_reading_versions_value')),
    sa.CheckConstraint('zone IN (1, 2)', name=op.f('ck_reading_versions_zone')),
    sa.ForeignKeyConstraint(['tenant_id', 'meter_id'], ['meters.tenant_id', 'meters.id'], name=op.f('fk_reading_versions_tenant_id_meter_id_meters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'submission_id'], ['reading_submissions.tenant_id', 'reading_submissions.id'], name=op.f('fk_reading_versions_tenant_id_submission_id_reading_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_reading_versions_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_reading_versions'))
    )
    with op.batch_alter_table('reading_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reading_versions_tenant_id_meter_id_period_created_at'), ['tenant_id', 'meter_id', 'period', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reading_versions_tenant_id_submission_id'), ['tenant_id', 'submission_id'], unique=False)

    op.create_table('readings',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('meter_id', sa.Uuid(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('zone', sa.SmallInteger(), nullable=False),
    sa.Column('value_milli', sa.BigInteger(), nullable=False),
    sa.Column('version_id', sa.Uuid(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'meter_id'], ['meters.tenant_id', 'meters.id'], name=op.f('fk_readings_tenant_id_meter_id_meters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'version_id'], ['reading_versions.tenant_id', 'reading_versions.id'], name=op.f('fk_readings_tenant_id_version_id_reading_versions')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_readings_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'meter_id', 'period', 'zone', name=op.f('pk_readings'))
    )
    with op.batch_alter_table('meters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contract_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('initial_value_milli', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('initial_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meters_tenant_id_contract_id_contracts'), 'contracts', ['tenant_id', 'contract_id'], ['tenant_id', 'id'])

    for table in TENANT_TABLES:
        enable_row_level_security(op, table)


def downgrade():
    for table in TENANT_TABLES:
        disable_row_level_security(op, table)

    with op.batch_alter_table('meters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meters_tenant_id_contract_id_contracts'), type_='foreignkey')
        batch_op.drop_column('initial_on')
        batch_op.drop_column('initial_value_milli')
        batch_op.drop_column('contract_id')

    op.drop_table('readings')
    with op.batch_alter_table('reading_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reading_versions_tenant_id_submission_id'))
        batch_op.drop_index(batch_op.f('ix_reading_versions_tenant_id_meter_id_period_created_at'))

    op.drop_table('reading_versions')
    with op.batch_alter_table('reading_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reading_submissions_tenant_id_account_id_created_at'))

    op.drop_table('reading_submissions')
    op.drop_table('contracts')
