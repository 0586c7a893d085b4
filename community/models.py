"""Import every area's models so SQLAlchemy and Alembic see all tables."""

from .audit.models import AuditLog  # noqa: F401
from .ballots.models import Ballot, Participation, SecretChoice  # noqa: F401
from .board.models import BoardSetting, Objection  # noqa: F401
from .evaluations.models import Answer, Evaluation  # noqa: F401
from .issues.models import ApiToken, Comment, Issue, IssueEvent, Support  # noqa: F401
from .kiosk.models import KioskDevice  # noqa: F401
from .meetings.models import (  # noqa: F401
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    Meeting,
    Outcome,
    Review,
    Stakeholder,
)
from .notify.models import Notice, SmsInbound, SmsMessage, SmsOptOut  # noqa: F401
from .projects.models import (  # noqa: F401
    Contribution,
    Fund,
    FundMovement,
    FundPolicy,
    ProgressUpdate,
    Project,
    Task,
)
from .residents.models import Membership, Resident, RoleAssignment  # noqa: F401
from .roster.models import RosterUpload  # noqa: F401
from .units.models import Household, Unit  # noqa: F401
from .volunteer.models import Visit, VolunteerAssignment  # noqa: F401
