"""Notifications: resident preferences, reminders, broadcasts.

Revision ID: b7f2d1c3e4a5
Revises: a7e1c0b2d3f4
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa

from app.tenancy.rls import disable_row_level_security, enable_row_level_security

revision = 'b7f2d1c3e4a5'
down_revision = 'a7e1c0b2d3f4'
branch_labels = None
depends_on = None

TENANT_TABLES = ("notification_preferences", "mailings", "mailing_batches")


def upgrade():
    op.create_table('notification_preferences',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Uuid(), nullable=False),
    sa.Column('reminders_email', sa.Boolean(), nullable=False),
    sa.Column('reminders_sms', sa.Boolean(), nullable=False),
    sa.Column('notices_email', sa.Boolean(), nullable=False),
    sa.Column('notices_sms', sa.Boolean(), nullable=False),
    sa.Column('receipts_email', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'resident_id'], ['residents.tenant_id', 'residents.id'], name=op.f('fk_notification_preferences_tenant_id_resident_id_residents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_notification_preferences_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'resident_id', name=op.f('pk_notification_preferences'))
    )
    op.create_table('mailings',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period', sa.Date(), nullable=True),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('topic', sa.String(length=16), nullable=True),
    sa.Column('settlement_id', sa.Uuid(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('author_name', sa.String(length=300), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('batches', sa.Integer(), nullable=False),
    sa.Column('batches_done', sa.Integer(), nullable=False),
    sa.Column('emails_sent', sa.Integer(), nullable=False),
    sa.Column('sms_sent', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('window_opens', 'window_closes', 'notice')", name=op.f('ck_mailings_kind')),
    sa.CheckConstraint("status IN ('planning', 'sending')", name=op.f('ck_mailings_status')),
    sa.ForeignKeyConstraint(['tenant_id', 'settlement_id'], ['settlements.tenant_id', 'settlements.id'], name=op.f('fk_mailings_tenant_id_settlement_id_settlements')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_mailings_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_mailings')),
    sa.UniqueConstraint('tenant_id', 'kind', 'period', name=op.f('uq_mailings_tenant_id_kind_period'))
    )
    with op.batch_alter_table('mailings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mailings_tenant_id_created_at'), ['tenant_id', 'created_at'], unique=False)

    op.create_table('mailing_batches',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('mailing_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'mailing_id'], ['mailings.tenant_id', 'mailings.id'], name=op.f('fk_mailing_batches_tenant_id_mailing_id_mailings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_mailing_batches_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'mailing_id', 'number', name=op.f('pk_mailing_batches'))
    )

    for table in TENANT_TABLES:
        enable_row_level_security(op, table)


def downgrade():
    for table in TENANT_TABLES:
        disable_row_level_security(op, table)

    op.drop_table('mailing_batches')
    with op.batch_alter_table('mailings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mailings_tenant_id_created_at'))

    op.drop_table('mailings')
    op.drop_table('notification_preferences')
