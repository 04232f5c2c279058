"""Platform onboarding and staff invitations.

Revision ID: d6b4f3e5a6c7
Revises: c6a3e2d4f5b6
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa

from app.tenancy.rls import disable_row_level_security, enable_row_level_security

TENANT_TABLES = ("staff_invitations", "operator_entries")

revision = 'd6b4f3e5a6c7'
down_revision = 'c6a3e2d4f5b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_invitations',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('staff_user_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'clerk', 'viewer')", name=op.f('ck_staff_invitations_role')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_staff_invitations_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_staff_invitations')),
    sa.UniqueConstraint('tenant_id', 'token_hash', name=op.f('uq_staff_invitations_tenant_id_token_hash'))
    )
    with op.batch_alter_table('staff_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_invitations_tenant_id_email'), ['tenant_id', 'email'], unique=False)

    op.create_table('operator_entries',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_operator_entries_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_operator_entries')),
    sa.UniqueConstraint('tenant_id', 'token_hash', name=op.f('uq_operator_entries_tenant_id_token_hash'))
    )

    for table in TENANT_TABLES:
        enable_row_level_security(op, table)


def downgrade():
    for table in TENANT_TABLES:
        disable_row_level_security(op, table)

    op.drop_table('operator_entries')
    with op.batch_alter_table('staff_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_invitations_tenant_id_email'))

    op.drop_table('staff_invitations')
