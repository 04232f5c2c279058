"""Accounts (лицевые счета) and meters (приборы учёта), one tenant's rows each."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.context import current_tenant_id
from app.tenancy.scoping import TenantScoped
from app.text import fold

ACCOUNT_KINDS = ("individual", "legal", "management_company")
METER_SERVICES = ("cold_water", "hot_water")


class Account(TenantScoped, db.Model):
    """A лицевой счёт: who is billed, where, and on what terms."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "settlement_id", "number"),
        Index(None, "tenant_id", "number"),
        Index(None, "tenant_id", "owner_surname_folded"),
        ForeignKeyConstraint(
            ["tenant_id", "settlement_id"], ["settlements.tenant_id", "settlements.id"]
        ),
        CheckConstraint(f"kind IN {ACCOUNT_KINDS}", name="kind"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    settlement_id: Mapped[uuid.UUID]
    number: Mapped[str] = mapped_column(String(32))  # canonical form (tenancy.account_numbers)
    kind: Mapped[str] = mapped_column(String(24), default="individual")
    owner_surname: Mapped[str] = mapped_column(String(100))
    owner_full_name: Mapped[str] = mapped_column(String(300))
    organisation_name: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(500))
    # fold() of the surname and address, for the staff search: SQLite's lower() and PostgreSQL's
    # under the C locale fold ASCII only. Set with the source columns on every ORM write (below);
    # NULL where a raw-SQL write (the billing import) has not filled them yet: see
    # `fill_folded_columns`.
    owner_surname_folded: Mapped[str | None] = mapped_column(String(100))
    address_folded: Mapped[str | None] = mapped_column(String(500))
    private_house: Mapped[bool] = mapped_column(default=False)
    common_house_meter: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(16))  # E.164
    closed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    settlement = relationship("Settlement", lazy="joined", viewonly=True)
    meters: Mapped[list[Meter]] = relationship(
        back_populates="account", order_by="Meter.serial", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Account {self.number}>"


FOLDED_COLUMNS = {"owner_surname": "owner_surname_folded", "address": "address_folded"}


def _folder(folded_name: str, length: int):
    def store_folded(target, value, _oldvalue, _initiator):
        setattr(target, folded_name, fold(value)[:length] if value is not None else None)

    return store_folded


for _source, _folded in FOLDED_COLUMNS.items():
    event.listen(
        getattr(Account, _source),
        "set",
        _folder(_folded, Account.__table__.c[_folded].type.length),
    )


def fill_folded_columns(session, batch_size: int = 5000) -> int:
    """Fill the folded columns of the tenant's accounts written by raw SQL, which leaves both NULL
    (an INSERT that omits them, an UPDATE that sets them to NULL with the surname or address);
    returns how many rows were filled. Run it in the tenant's scope after such a write: each batch
    is found through the (tenant_id, owner_surname_folded) index."""
    tenant_id, filled = current_tenant_id(), 0
    while True:
        rows = session.execute(
            db.select(Account.id, Account.owner_surname, Account.address)
            .where(Account.owner_surname_folded.is_(None))
            .limit(batch_size)
        ).all()
        if not rows:
            return filled
        session.execute(
            db.update(Account),
            [
                {
                    "tenant_id": tenant_id,
                    "id": row.id,
                    "owner_surname_folded": fold(row.owner_surname)[:100],
                    "address_folded": fold(row.address)[:500],
                }
                for row in rows
            ],
        )
        filled += len(rows)


class Meter(TenantScoped, db.Model):
    """A прибор учёта on an account: one or two zones (two-rate), fixed number of digits."""

    __tablename__ = "meters"
    __table_args__ = (
        UniqueConstraint("tenant_id", "account_id", "serial"),
        Index(None, "tenant_id", "serial"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["accounts.tenant_id", "accounts.id"], ondelete="CASCADE"
        ),
        # The contract side only: tenant_id is written through the account.
        ForeignKeyConstraint(["tenant_id", "contract_id"], ["contracts.tenant_id", "contracts.id"]),
        CheckConstraint(f"service IN {METER_SERVICES}", name="service"),
        CheckConstraint("zones IN (1, 2)", name="zones"),
        CheckConstraint("digits BETWEEN 3 AND 10", name="digits"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID]
    serial: Mapped[str] = mapped_column(String(40))
    service: Mapped[str] = mapped_column(String(16))
    zones: Mapped[int] = mapped_column(default=1)
    digits: Mapped[int] = mapped_column(default=5)
    verified_until: Mapped[date | None]  # next поверка due; readings refused after it
    installed_on: Mapped[date | None]
    # The contract the meter is read under (tenants with readings.per_contract, e.g. Moscow).
    contract_id: Mapped[uuid.UUID | None]
    # The reading the billing system last knew before any reading was submitted here (imports).
    initial_value_milli: Mapped[int | None] = mapped_column(BigInteger)
    initial_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(back_populates="meters")

    def __repr__(self) -> str:
        return f"<Meter {self.serial}>"


class Contract(TenantScoped, db.Model):
    """A supply contract (number + date) of an account; Moscow takes readings per contract."""

    __tablename__ = "contracts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "account_id", "number"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["accounts.tenant_id", "accounts.id"], ondelete="CASCADE"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID]
    number: Mapped[str] = mapped_column(String(40))
    signed_on: Mapped[date]

    def __repr__(self) -> str:
        return f"<Contract {self.number} от {self.signed_on}>"
