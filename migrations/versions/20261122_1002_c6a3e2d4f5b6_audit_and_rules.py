"""Audit log and tenant rules editing.

Revision ID: c6a3e2d4f5b6
Revises: b7f2d1c3e4a5
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.tenancy.rls import disable_row_level_security, enable_row_level_security

revision = 'c6a3e2d4f5b6'
down_revision = 'b7f2d1c3e4a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entries',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('actor_label', sa.Text(), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=True),
    sa.CheckConstraint("actor_kind IN ('staff', 'operator', 'system', 'resident')", name=op.f('ck_audit_entries_actor_kind')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_audit_entries_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_tenant_id_at'), ['tenant_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_tenant_id_action_at'), ['tenant_id', 'action', 'at'], unique=False)

    enable_row_level_security(op, 'audit_entries')


def downgrade():
    disable_row_level_security(op, 'audit_entries')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_tenant_id_action_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_tenant_id_at'))

    op.drop_table('audit_entries')
