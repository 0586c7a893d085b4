"""Write audit rows into the caller's transaction, and verify the chain."""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import text

from ..clock import now
from ..extensions import db
from ..i18n import gettext as _
from ..residents.models import Resident
from ..units.models import Unit
from .models import AuditLog

GENESIS = "0" * 64


def row_hash(prev_hash: str, seq: int, at, actor_id, action, object_type, object_id, unit_id,
             detail: str) -> str:
    """Hash one row's content together with the previous row's hash."""
    parts = [prev_hash, str(seq), at.isoformat(timespec="microseconds"), str(actor_id), action,
             object_type, str(object_id), str(unit_id), detail]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def record(action: str, obj=None, *, actor=None, unit_id=None, object_type=None,
           **detail) -> AuditLog:
    """Append an audit row to the current transaction; the caller commits."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        # One writer at a time appends to the chain; released at commit or rollback.
        session.execute(text("SELECT pg_advisory_xact_lock(727278)"))
    seq, prev = last_link()
    row = AuditLog(**entry(
        seq + 1, prev, at=now(), actor_id=actor.id if actor is not None else None,
        action=action, object_type=object_type or type_name(obj),
        object_id=getattr(obj, "id", None), unit_id=unit_id, detail=detail))
    session.add(row)
    return row


def last_link() -> tuple[int, str]:
    """The sequence number and hash of the chain's last row ((0, GENESIS) when empty)."""
    last = db.session.execute(
        db.select(AuditLog.seq, AuditLog.hash).order_by(AuditLog.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def type_name(obj) -> str:
    """The object_type an audit row gives an object (or a model class): "ballot", "issue"."""
    if obj is None:
        return "system"
    return (obj if isinstance(obj, type) else type(obj)).__name__.lower()


def entry(seq: int, prev_hash: str, *, at, actor_id, action: str, object_type: str, object_id,
          unit_id, detail: dict) -> dict:
    """One audit row's columns, chained to the row before it: `record` and bulk loads
    (ops.loader) both write rows made here, so the two cannot differ."""
    text_ = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    return {"seq": seq, "at": at, "actor_id": actor_id, "action": action,
            "object_type": object_type, "object_id": object_id, "unit_id": unit_id,
            "detail": text_, "prev_hash": prev_hash,
            "hash": row_hash(prev_hash, seq, at, actor_id, action, object_type, object_id,
                             unit_id, text_)}


@dataclass
class ChainReport:
    rows: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify() -> ChainReport:
    """Walk the chain in order and name the first row whose hash or link does not match."""
    prev, count, expected_seq = GENESIS, 0, 1
    rows = db.session.scalars(db.select(AuditLog).order_by(AuditLog.seq)).yield_per(1000)
    for row in rows:
        if row.seq != expected_seq:
            return ChainReport(count, expected_seq, _("缺少第 %(seq)s 行", seq=expected_seq))
        if row.prev_hash != prev:
            return ChainReport(count, row.seq, _("与上一行的链接不符"))
        actual = row_hash(prev, row.seq, row.at, row.actor_id, row.action, row.object_type,
                          row.object_id, row.unit_id, row.detail)
        if actual != row.hash:
            return ChainReport(count, row.seq, _("内容已被改动"))
        prev, count, expected_seq = row.hash, count + 1, expected_seq + 1
    return ChainReport(count)


PER_PAGE = 30  # rows on a page of the audit log


def rows_below(units, page: int, per_page: int = PER_PAGE) -> tuple[list, bool]:
    """One page of the audit rows of these units and below, newest first, as (row, actor's
    name, unit's name), and whether there are more."""
    below = db.select(Unit.id).where(db.or_(*[Unit.path.startswith(u.path) for u in units]))
    rows = db.session.execute(
        db.select(AuditLog, Resident.name, Unit.name)
        .outerjoin(Resident, Resident.id == AuditLog.actor_id)
        .join(Unit, Unit.id == AuditLog.unit_id)
        .where(AuditLog.unit_id.in_(below))
        .order_by(AuditLog.seq.desc()).offset((page - 1) * per_page).limit(per_page + 1)).all()
    return rows[:per_page], len(rows) > per_page
