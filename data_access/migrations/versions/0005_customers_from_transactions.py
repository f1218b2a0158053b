"""Customers known only from transactions, and orders as analysts count them (issue 10, findings 3 and 4).

customers.origin, and a customer row for every customer id that surveys, tickets, orders or tier changes name
and customers lacks, filled here from the rows already stored with the loader's own sync. The pre-aggregates
that count orders (purchase orders only, returns apart) or copy customer attributes are rebuilt.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("origin", sa.String))
    from data_access.known_customers import sync
    from data_access.pre_aggregates import fill_pre_aggregates

    sync(op.get_bind())
    # order_sequence is filled by 0010, which gives it customer_id
    fill_pre_aggregates(op.get_bind(), ("order_days", "response_followups", "ticket_followups"))


def downgrade() -> None:
    op.execute("DELETE FROM customers WHERE origin = 'transactions'")
    op.drop_column("customers", "origin")
