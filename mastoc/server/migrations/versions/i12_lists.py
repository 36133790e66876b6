"""Lists: `climb_lists.list_type`; `list_items.status`, `notes`, `stokt_id`.

Revision ID: i12_lists
Revises: i9_fields (re-chained at merge)
Create Date: 2026-12-01 08:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'i12_lists'
down_revision = 'i9_fields'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('climb_lists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_type', sa.String(length=10), nullable=False, server_default='personal'))
    with op.batch_alter_table('list_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=12), nullable=False, server_default='todo'))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('stokt_id', sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('list_items', schema=None) as batch_op:
        batch_op.drop_column('stokt_id')
        batch_op.drop_column('notes')
        batch_op.drop_column('status')
    with op.batch_alter_table('climb_lists', schema=None) as batch_op:
        batch_op.drop_column('list_type')
