"""民事民议: deliberation bodies, meetings with agendas and attendance, minutes, Party review."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from . import attendance_views, bodies_views, minutes_views, todos, views  # noqa: E402, F401 - routes on bp; the to-do section
