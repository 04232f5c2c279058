"""Audit log and tenant rules editing.

Revision ID: c6a3e2d4f5b6
Revises: b7f2d1c3e4a5
Create Date: 2026-11-22

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

from app.tenancy.rls import disable_row_level_security, enable_row_level_security  # noqa: F401

revision = 'c6a3e2d4f5b6'
down_revision = 'b7f2d1c3e4a5'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
