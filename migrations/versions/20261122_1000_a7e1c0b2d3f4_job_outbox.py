"""Jobs: transactional outbox, retries, dead letters.

Revision ID: a7e1c0b2d3f4
Revises: 07491d3b978c
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.tenancy.rls import disable_row_level_security, enable_row_level_security

revision = 'a7e1c0b2d3f4'
down_revision = '07491d3b978c'
branch_labels = None
depends_on = None

STATUS_CHECK = "status IN ('pending', 'queued', 'running', 'done', 'dead')"


def _job_columns():
    return [
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('queue', sa.String(length=16), nullable=False),
        sa.Column('kwargs', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
        sa.Column('unique_key', sa.String(length=200), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('max_attempts', sa.Integer(), nullable=False),
        sa.Column('run_after', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
    ]


def upgrade():
    op.create_table('platform_jobs',
    *_job_columns(),
    sa.CheckConstraint(STATUS_CHECK, name=op.f('ck_platform_jobs_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_jobs')),
    sa.UniqueConstraint('unique_key', name=op.f('uq_platform_jobs_unique_key'))
    )
    op.create_index(op.f('ix_platform_jobs_created_at'), 'platform_jobs', ['created_at'], unique=False)
    op.create_index(op.f('ix_platform_jobs_status_run_after'), 'platform_jobs', ['status', 'run_after'], unique=False)

    op.create_table('tenant_jobs',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    *_job_columns(),
    sa.CheckConstraint(STATUS_CHECK, name=op.f('ck_tenant_jobs_status')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tenant_jobs_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_tenant_jobs')),
    sa.UniqueConstraint('tenant_id', 'unique_key', name=op.f('uq_tenant_jobs_tenant_id_unique_key'))
    )
    op.create_index(op.f('ix_tenant_jobs_tenant_id_created_at'), 'tenant_jobs', ['tenant_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_tenant_jobs_tenant_id_status_run_after'), 'tenant_jobs', ['tenant_id', 'status', 'run_after'], unique=False)
    enable_row_level_security(op, 'tenant_jobs')


def downgrade():
    disable_row_level_security(op, 'tenant_jobs')
    op.drop_index(op.f('ix_tenant_jobs_tenant_id_status_run_after'), table_name='tenant_jobs')
    op.drop_index(op.f('ix_tenant_jobs_tenant_id_created_at'), table_name='tenant_jobs')
    op.drop_table('tenant_jobs')
    op.drop_index(op.f('ix_platform_jobs_status_run_after'), table_name='platform_jobs')
    op.drop_index(op.f('ix_platform_jobs_created_at'), table_name='platform_jobs')
    op.drop_table('platform_jobs')
