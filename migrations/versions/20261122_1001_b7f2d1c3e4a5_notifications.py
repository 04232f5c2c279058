"""Notifications: resident preferences, reminders, broadcasts.

Revision ID: b7f2d1c3e4a5
Revises: a7e1c0b2d3f4
Create Date: 2026-11-22

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

from app.tenancy.rls import disable_row_level_security, enable_row_level_security  # noqa: F401

revision = 'b7f2d1c3e4a5'
down_revision = 'a7e1c0b2d3f4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
