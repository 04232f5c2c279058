"""Admin accounts desk and readings desk.

Revision ID: e6c5a4f6b7d8
Revises: d6b4f3e5a6c7
Create Date: 2026-11-22

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

from app.tenancy.rls import disable_row_level_security, enable_row_level_security  # noqa: F401

revision = 'e6c5a4f6b7d8'
down_revision = 'd6b4f3e5a6c7'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
