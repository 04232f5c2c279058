"""Foundation: tenants and domains, settlements, accounts, meters, residents, staff, operators.

Every tenant table has tenant_id leading its keys and row-level security on PostgreSQL.

Revision ID: 203f3ab34a63
Revises: 
Create Date: 2026-11-21 22:12:45.657629

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.tenancy.rls import disable_row_level_security, enable_row_level_security

TENANT_TABLES = ("settlements", "accounts", "meters", "residents", "resident_accounts",
                 "staff_users")

revision = '203f3ab34a63'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('operators',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=300), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operators')),
    sa.UniqueConstraint('login', name=op.f('uq_operators_login'))
    )
    op.create_table('tenants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=63), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('config', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('config_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenants')),
    sa.UniqueConstraint('slug', name=op.f('uq_tenants_slug'))
    )
    op.create_table('residents',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=True),
    sa.Column('full_name', sa.String(length=300), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('organisation_name', sa.String(length=300), nullable=True),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('inn', sa.String(length=12), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'active', 'blocked')", name=op.f('ck_residents_status')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_residents_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_residents')),
    sa.UniqueConstraint('tenant_id', 'login', name=op.f('uq_residents_tenant_id_login'))
    )
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_residents_tenant_id_email'), ['tenant_id', 'email'], unique=False)

    op.create_table('settlements',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_settlements_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_settlements')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_settlements_tenant_id_code'))
    )
    op.create_table('staff_users',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'clerk', 'viewer')", name=op.f('ck_staff_users_role')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_staff_users_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('tenant_id', 'login', name=op.f('uq_staff_users_tenant_id_login'))
    )
    op.create_table('tenant_domains',
    sa.Column('host', sa.String(length=253), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tenant_domains_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('host', name=op.f('pk_tenant_domains'))
    )
    with op.batch_alter_table('tenant_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_domains_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('accounts',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('settlement_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('owner_surname', sa.String(length=100), nullable=False),
    sa.Column('owner_full_name', sa.String(length=300), nullable=False),
    sa.Column('organisation_name', sa.String(length=300), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('private_house', sa.Boolean(), nullable=False),
    sa.Column('common_house_meter', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('individual', 'legal', 'management_company')", name=op.f('ck_accounts_kind')),
    sa.ForeignKeyConstraint(['tenant_id', 'settlement_id'], ['settlements.tenant_id', 'settlements.id'], name=op.f('fk_accounts_tenant_id_settlement_id_settlements')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_accounts_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('tenant_id', 'settlement_id', 'number', name=op.f('uq_accounts_tenant_id_settlement_id_number'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounts_tenant_id_number'), ['tenant_id', 'number'], unique=False)

    op.create_table('meters',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('serial', sa.String(length=40), nullable=False),
    sa.Column('service', sa.String(length=16), nullable=False),
    sa.Column('zones', sa.Integer(), nullable=False),
    sa.Column('digits', sa.Integer(), nullable=False),
    sa.Column('verified_until', sa.Date(), nullable=True),
    sa.Column('installed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("service IN ('cold_water', 'hot_water')", name=op.f('ck_meters_service')),
    sa.CheckConstraint('digits BETWEEN 3 AND 10', name=op.f('ck_meters_digits')),
    sa.CheckConstraint('zones IN (1, 2)', name=op.f('ck_meters_zones')),
    sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['accounts.tenant_id', 'accounts.id'], name=op.f('fk_meters_tenant_id_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_meters_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_meters')),
    sa.UniqueConstraint('tenant_id', 'account_id', 'serial', name=op.f('uq_meters_tenant_id_account_id_serial'))
    )
    with op.batch_alter_table('meters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meters_tenant_id_serial'), ['tenant_id', 'serial'], unique=False)

    op.create_table('resident_accounts',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['accounts.tenant_id', 'accounts.id'], name=op.f('fk_resident_accounts_tenant_id_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'resident_id'], ['residents.tenant_id', 'residents.id'], name=op.f('fk_resident_accounts_tenant_id_resident_id_residents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_resident_accounts_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'resident_id', 'account_id', name=op.f('pk_resident_accounts'))
    )
    with op.batch_alter_table('resident_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_accounts_tenant_id_account_id'), ['tenant_id', 'account_id'], unique=False)

    for table in TENANT_TABLES:
        enable_row_level_security(op, table)


def downgrade():
    for table in TENANT_TABLES:
        disable_row_level_security(op, table)

    with op.batch_alter_table('resident_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_accounts_tenant_id_account_id'))

    op.drop_table('resident_accounts')
    with op.batch_alter_table('meters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meters_tenant_id_serial'))

    op.drop_table('meters')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_tenant_id_number'))

    op.drop_table('accounts')
    with op.batch_alter_table('tenant_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_domains_tenant_id'))

    op.drop_table('tenant_domains')
    op.drop_table('staff_users')
    op.drop_table('settlements')
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_residents_tenant_id_email'))

    op.drop_table('residents')
    op.drop_table('tenants')
    op.drop_table('operators')
