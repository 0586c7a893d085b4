"""Bulk loading: rows with ids assigned in Python, inserted table by table in batches."""

from sqlalchemy import func, insert, text

from ..audit.models import AuditLog
from ..audit.service import entry, last_link, type_name
from ..ballots.models import (
    Ballot,
    BallotCount,
    BallotOption,
    Caster,
    Elector,
    Participation,
    SecretChoice,
)
from ..extensions import db
from ..issues.models import Comment, Issue, IssueEvent, Support
from ..residents.models import Membership, Resident, RoleAssignment
from ..units.models import Household, Unit

# Parents before children, so foreign keys hold at every insert.
ORDER = (Unit, Household, Resident, Membership, RoleAssignment, Issue, IssueEvent, Support,
         Comment, Ballot, BallotOption, BallotCount, Elector, Caster, Participation,
         SecretChoice, AuditLog)
BATCH = 5000


class Loader:
    """Collects rows per model and writes them with `insert(Model)` executemany batches.

    Ids are handed out here (from the table's current maximum), so children can point at
    parents before anything is written and no row needs to be read back."""

    def __init__(self, batch: int = BATCH):
        self.batch = batch
        self.rows: dict[type, list[dict]] = {m: [] for m in ORDER}
        self.next_id = {m: (db.session.scalar(db.select(func.max(m.id))) or 0) + 1
                        for m in ORDER if "id" in m.__table__.c}
        self.written: dict[str, int] = {m.__tablename__: 0 for m in ORDER}
        self.seq, self.prev_hash = last_link()

    def audit(self, action: str, model, object_id: int | None, *, at, actor_id, unit_id,
              **detail) -> None:
        """Queue the next row of the audit chain, made as audit.service.record makes it."""
        self.seq += 1
        row = entry(self.seq, self.prev_hash, at=at, actor_id=actor_id, action=action,
                    object_type=type_name(model), object_id=object_id, unit_id=unit_id,
                    detail=detail)
        self.prev_hash = row["hash"]
        self.add(AuditLog, **row)

    def add(self, model, **row) -> int | None:
        """Queue one row; returns its new id when the table has an `id` column."""
        if model in self.next_id:
            row["id"] = self.next_id[model]
            self.next_id[model] += 1
        self.rows[model].append(row)
        return row.get("id")

    def pending(self) -> int:
        return sum(len(r) for r in self.rows.values())

    def flush(self) -> None:
        """Insert everything queued, parents first, and commit."""
        for model in ORDER:
            rows = self.rows[model]
            for start in range(0, len(rows), self.batch):
                db.session.execute(insert(model), rows[start:start + self.batch])
            self.written[model.__tablename__] += len(rows)
            rows.clear()
        db.session.commit()

    def finish(self) -> None:
        """Flush, move PostgreSQL's id sequences past the ids used, refresh planner stats."""
        self.flush()
        dialect = db.session.get_bind().dialect.name
        if dialect == "postgresql":
            for model in self.next_id:
                table = model.__tablename__
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"GREATEST((SELECT MAX(id) FROM {table}), 1))"))
            db.session.commit()
        analyze()


def analyze() -> None:
    """Refresh the query planner's statistics after a bulk load (SQLite never does it alone)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    else:
        db.session.commit()
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
