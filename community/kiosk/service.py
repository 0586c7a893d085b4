"""Register and revoke kiosk devices; recognise a device by its cookie token."""

import hashlib
import secrets

from flask import abort

from .. import clock
from ..access import has_role, role_units
from ..audit.service import record
from ..extensions import db
from ..units.models import Unit
from .models import KioskDevice

COOKIE = "kiosk"
COOKIE_MAX_AGE = 365 * 24 * 3600


def hash_token(token: str) -> str:
    """The stored form of a device token (a long random token needs no slow hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


def register_device(name: str, unit: Unit, worker) -> tuple[KioskDevice, str]:
    """Make a new kiosk device in the unit; return it with its token (shown only once)."""
    if not has_role(worker, "worker", unit):
        abort(403)
    token = secrets.token_urlsafe(32)
    device = KioskDevice(name=name.strip(), unit=unit, token_hash=hash_token(token),
                         registered_by=worker)
    db.session.add(device)
    db.session.flush()
    record("kiosk_registered", device, actor=worker, unit_id=unit.id, name=device.name)
    db.session.commit()
    return device, token


def active_device(token: str | None) -> KioskDevice | None:
    """The registered, not revoked device this token belongs to, if any."""
    if not token or len(token) > 100:
        return None
    device = db.session.scalar(
        db.select(KioskDevice).where(KioskDevice.token_hash == hash_token(token)))
    return device if device is not None and device.active else None


def devices_for(worker) -> list[KioskDevice]:
    """The devices in the units where this user is a worker, newest first."""
    units = role_units(worker, "worker")
    if not units:
        return []
    stmt = (db.select(KioskDevice).join(KioskDevice.unit)
            .where(db.or_(*[Unit.path.startswith(u.path) for u in units]))
            .order_by(KioskDevice.created_at.desc()))
    return list(db.session.scalars(stmt))


def get_device_or_404(device_id: int, worker) -> KioskDevice:
    """Load a device the worker may manage, or abort with 404/403."""
    device = db.get_or_404(KioskDevice, device_id)
    if not has_role(worker, "worker", device.unit):
        abort(403)
    return device


def revoke_device(device: KioskDevice, worker) -> None:
    """Stop a device being a kiosk; its cookie is ignored from now on."""
    if device.revoked_at is None:
        device.revoked_at = clock.now()
        record("kiosk_revoked", device, actor=worker, unit_id=device.unit_id, name=device.name)
        db.session.commit()
