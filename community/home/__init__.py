"""The home page with my to-dos, my settings (/me) and the staff page."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from . import me, views  # noqa: E402, F401 - routes on bp
