"""民事民决: ballots under the legal decision rules, every channel counted once."""

from flask import Blueprint

bp = Blueprint("ballots", __name__)

from . import assist_views, staff_views, todos, views  # noqa: E402, F401 - routes on bp; the to-do section
