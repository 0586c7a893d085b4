"""民事民办: projects carried out with residents' contributions and public funds."""

from flask import Blueprint

bp = Blueprint("projects", __name__)

from . import fund_views, todos, views  # noqa: E402, F401 - routes on bp; the to-do section
