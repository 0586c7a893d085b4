"""民事民提: residents raise issues from every channel; workers triage them; online comments.
One blueprint for the area: the residents' pages (`views.py`, /issues…), the triage desk
(`triage_views.py`, /triage… and /issues/<id>/triage) and the intake API's callbacks
(`webhook_views.py`, /triage/deliveries)."""

from flask import Blueprint

bp = Blueprint("issues", __name__)

from . import todos, triage_views, views, webhook_views  # noqa: E402, F401 - routes, to-dos
