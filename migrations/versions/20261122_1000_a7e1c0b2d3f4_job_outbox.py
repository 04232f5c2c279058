"""Jobs: transactional outbox, retries, dead letters.

Revision ID: a7e1c0b2d3f4
Revises: 07491d3b978c
Create Date: 2026-11-22

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

from app.tenancy.rls import disable_row_level_security, enable_row_level_security  # noqa: F401

revision = 'a7e1c0b2d3f4'
down_revision = '07491d3b978c'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
