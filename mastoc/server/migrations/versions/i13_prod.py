"""Production: shared image storage, private images, sessions (refresh-token families), hold-id
counter, and the first server's audit `id_mappings`.

Revision ID: i13_prod
Revises: 0002
Create Date: 2026-12-01 08:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'i13_prod'
down_revision = '0002'
branch_labels = None
depends_on = None

HOLD_ID_MIN = 1_000_000_000


def upgrade() -> None:
    op.create_table('image_blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    with op.batch_alter_table('images', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.String(length=36), nullable=True))
        batch_op.create_index('ix_images_path', ['path'], unique=False)

    # photos already attached only to personal walls become private to the wall's owner
    op.execute(sa.text(
        "UPDATE images SET owner_id = (SELECT f.owner_id FROM faces f WHERE f.picture_sha256 = images.sha256 "
        "AND f.owner_id IS NOT NULL ORDER BY f.created_at LIMIT 1) "
        "WHERE NOT EXISTS (SELECT 1 FROM faces g WHERE g.picture_sha256 = images.sha256 AND g.owner_id IS NULL) "
        "AND NOT EXISTS (SELECT 1 FROM users u WHERE u.avatar_sha256 = images.sha256)"))

    op.create_table('auth_sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('refresh_jti', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_auth_sessions_user_id', ['user_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tokens_valid_after', sa.DateTime(timezone=True), nullable=True))

    op.create_table('counters',
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    # the next allocation tries HOLD_ID_MIN and then the first free id after it (see holdids.py)
    op.execute(sa.text("INSERT INTO counters (name, value) VALUES ('hold_id', :v)").bindparams(v=HOLD_ID_MIN - 1))

    op.create_table('id_mappings',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('entity_type', sa.String(length=50), nullable=False),
    sa.Column('mastoc_id', sa.String(length=36), nullable=True),
    sa.Column('stokt_id', sa.String(length=36), nullable=True),
    sa.Column('sync_direction', sa.String(length=20), nullable=True),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('id_mappings')
    op.drop_table('counters')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('tokens_valid_after')
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_auth_sessions_user_id')
    op.drop_table('auth_sessions')
    with op.batch_alter_table('images', schema=None) as batch_op:
        batch_op.drop_index('ix_images_path')
        batch_op.drop_column('owner_id')
    op.drop_table('image_blobs')
