"""民事民提: residents raise issues from every channel; workers triage them; online comments.
One blueprint for the area: the residents' pages (`views.py`, /issues…) and the triage desk
(`triage_views.py`, /triage… and /issues/<id>/triage)."""

from flask import Blueprint

bp = Blueprint("issues", __name__)

from . import todos, triage_views, views  # noqa: E402, F401 - routes and the to-do section
