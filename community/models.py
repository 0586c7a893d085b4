"""Import every area's models so SQLAlchemy and Alembic see all tables."""

from .audit.models import AuditLog  # noqa: F401
from .notify.models import Notice, SmsMessage  # noqa: F401
from .residents.models import Membership, Resident, RoleAssignment  # noqa: F401
from .units.models import Household, Unit  # noqa: F401
