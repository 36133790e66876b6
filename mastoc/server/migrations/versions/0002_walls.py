"""Walls (the Stokt hierarchy gym -> wall -> face) and `faces.wall_id`.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('walls',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('stokt_id', sa.String(length=36), nullable=True),
    sa.Column('gym_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('angle', sa.String(length=50), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('feet_rules', sa.Text(), nullable=False),
    sa.Column('default_feet_rule', sa.String(length=100), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['gym_id'], ['gyms.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stokt_id')
    )
    with op.batch_alter_table('walls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walls_gym_id'), ['gym_id'], unique=False)

    with op.batch_alter_table('faces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wall_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_faces_wall_id'), ['wall_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('faces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faces_wall_id'))
        batch_op.drop_column('wall_id')

    with op.batch_alter_table('walls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walls_gym_id'))

    op.drop_table('walls')
