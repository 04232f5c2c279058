"""Platform onboarding and staff invitations.

Revision ID: d6b4f3e5a6c7
Revises: c6a3e2d4f5b6
Create Date: 2026-11-22

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

from app.tenancy.rls import disable_row_level_security, enable_row_level_security  # noqa: F401

revision = 'd6b4f3e5a6c7'
down_revision = 'c6a3e2d4f5b6'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
