"""Identity: e-mail link tokens, session versions, account-lookup requests, payments.

Revision ID: 96f20854afeb
Revises: 203f3ab34a63
Create Date: 2026-11-21 22:30:19.078565

"""
from alembic import op
import sqlalchemy as sa

from app.tenancy.rls import disable_row_level_security, enable_row_level_security

TENANT_TABLES = ("account_lookup_requests", "auth_tokens", "payments")

revision = '96f20854afeb'
down_revision = '203f3ab34a63'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_lookup_requests',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('full_name', sa.String(length=300), nullable=False),
    sa.Column('private_house', sa.Boolean(), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Uuid(), nullable=True),
    sa.Column('staff_note', sa.String(length=1000), nullable=True),
    sa.CheckConstraint("status IN ('new', 'answered', 'closed')", name=op.f('ck_account_lookup_requests_status')),
    sa.ForeignKeyConstraint(['tenant_id', 'handled_by_id'], ['staff_users.tenant_id', 'staff_users.id'], name=op.f('fk_account_lookup_requests_tenant_id_handled_by_id_staff_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_account_lookup_requests_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_account_lookup_requests'))
    )
    with op.batch_alter_table('account_lookup_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_lookup_requests_tenant_id_status_created_at'), ['tenant_id', 'status', 'created_at'], unique=False)

    op.create_table('auth_tokens',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('resident_id', sa.Uuid(), nullable=False),
    sa.Column('purpose', sa.String(length=24), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('confirm_email', 'set_password', 'reset_password')", name=op.f('ck_auth_tokens_purpose')),
    sa.ForeignKeyConstraint(['tenant_id', 'resident_id'], ['residents.tenant_id', 'residents.id'], name=op.f('fk_auth_tokens_tenant_id_resident_id_residents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_auth_tokens_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_auth_tokens')),
    sa.UniqueConstraint('tenant_id', 'token_hash', name=op.f('uq_auth_tokens_tenant_id_token_hash'))
    )
    with op.batch_alter_table('auth_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_tokens_tenant_id_resident_id'), ['tenant_id', 'resident_id'], unique=False)

    op.create_table('payments',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount_kopecks', sa.BigInteger(), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['accounts.tenant_id', 'accounts.id'], name=op.f('fk_payments_tenant_id_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_payments_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_tenant_id_account_id_paid_on'), ['tenant_id', 'account_id', 'paid_on'], unique=False)

    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))

    for table in TENANT_TABLES:
        enable_row_level_security(op, table)


def downgrade():
    for table in TENANT_TABLES:
        disable_row_level_security(op, table)

    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('session_version')

    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.drop_column('session_version')

    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('must_change_password')

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_tenant_id_account_id_paid_on'))

    op.drop_table('payments')
    with op.batch_alter_table('auth_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_tokens_tenant_id_resident_id'))

    op.drop_table('auth_tokens')
    with op.batch_alter_table('account_lookup_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_lookup_requests_tenant_id_status_created_at'))

    op.drop_table('account_lookup_requests')
