"""Which imports a caller may see: their companies' (a key: its company's); admins all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false, select

from jobhub.companies import services as companies
from jobhub.db import db
from jobhub.errors import NotFound
from jobhub.imports.models import Import
from jobhub.users.models import Role


def visible_imports_query(actor: Any) -> Select[tuple[Import]]:
    query = select(Import)
    if actor.role == Role.ADMIN:
        return query
    if actor.role == Role.EMPLOYER:
        return query.where(Import.company_id.in_(companies.acting_company_ids(actor=actor)))
    return query.where(false())


def get_visible_import(*, actor: Any, import_id: int) -> Import:
    found = db.session.scalar(visible_imports_query(actor).where(Import.id == import_id))
    if found is None:
        raise NotFound("No such import.")
    return found


def find_by_key(*, company_id: int, key: str) -> Import | None:
    """The import an Idempotency-Key already named for this company."""
    return db.session.scalar(
        select(Import).where(Import.company_id == company_id, Import.idempotency_key == key)
    )
