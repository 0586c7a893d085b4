"""The machine surface at /api/v1: outside channels (12345热线, 宜格服务, an SMS gateway) talk
to the app in JSON, authenticated by their own token or signature, never by a login cookie."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from . import issues, sms  # noqa: E402, F401 - the view modules add their routes to bp
