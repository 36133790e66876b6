"""Fields the desktop stores that the sync must carry: climb tags and circuit, a face's small picture
and Stokt modification date (issue 9).

Revision ID: i9_fields
Revises: i13_prod
Create Date: 2026-12-01 08:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'i9_fields'
down_revision = 'i13_prod'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('climbs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tags', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('circuit', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('faces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('small_picture_path', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('date_modified', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('faces', schema=None) as batch_op:
        batch_op.drop_column('date_modified')
        batch_op.drop_column('small_picture_path')
    with op.batch_alter_table('climbs', schema=None) as batch_op:
        batch_op.drop_column('circuit')
        batch_op.drop_column('tags')
