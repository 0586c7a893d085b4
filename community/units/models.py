"""The organisation tree and the households in it."""

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from ..extensions import db
from ..i18n import lazy_gettext as _l

KINDS = ("street", "community", "compound", "building")
KIND_LABELS = {"street": _l("街道/乡镇"), "community": _l("社区/村"),
               "compound": _l("小区/村民小组"), "building": _l("楼栋")}


class TreePath(TypeDecorator):
    """A materialised path of ids such as "1/5/12/", compared byte by byte.

    `Unit.path.startswith(p)` becomes the range `p <= path < p'` (p' is p with its last "/"
    raised to "0", the next byte), which both databases answer from the plain B-tree index. The
    LIKE that SQLAlchemy writes by default (`path LIKE p || '%'`) is a full scan on SQLite, and
    on PostgreSQL under any collation but "C"; so the column is collated "C" there."""

    impl = String(200)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(String(200, collation="C"))
        return dialect.type_descriptor(String(200))

    class comparator_factory(String.Comparator):
        def startswith(self, other, **kw):
            if isinstance(other, str) and other.endswith("/"):
                return and_(self.expr >= other, self.expr < other[:-1] + "0")
            return super().startswith(other, **kw)


class Unit(db.Model):
    """A node of 街道/乡镇 → 社区/村 → 小区/村民小组 → 楼栋."""

    __table_args__ = (
        CheckConstraint("kind IN ('street','community','compound','building')", name="kind"),
        UniqueConstraint("parent_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(12))
    # Materialised path of ids, "1/5/12/", so "this unit or below" is one indexed range.
    path: Mapped[str] = mapped_column(TreePath, index=True, default="")
    is_village: Mapped[bool] = mapped_column(default=False)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.name")

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, inclusive."""
        return [int(x) for x in self.path.split("/") if x]

    def contains(self, other: "Unit") -> bool:
        """True when other is this unit or lies below it."""
        return other.path.startswith(self.path)

    def __repr__(self):
        return f"<Unit {self.id} {self.name}>"


class Household(db.Model):
    """户 / 专有部分: one address in a building, with its registered floor area."""

    __table_args__ = (
        UniqueConstraint("building_id", "address"),
        CheckConstraint("area_m2 >= 0 AND area_m2 < 100000", name="area_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    address: Mapped[str] = mapped_column(String(40))
    # 专有部分面积 as registered (法释〔2009〕7号第八条): exact decimal, never a float.
    area_m2: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    # Units still held by the developer count together as one owner (第九条).
    developer_held: Mapped[bool] = mapped_column(default=False)

    building: Mapped[Unit] = relationship()
    members: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="household", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        return f"{self.building.name}{self.address}"
