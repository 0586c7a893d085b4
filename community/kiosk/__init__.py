"""Kiosk mode: a shared touch screen in the 党群服务中心, keypad login, 60-second idle logout."""

from flask import Blueprint

bp = Blueprint("kiosk", __name__)

from . import checkin, views  # noqa: E402, F401 - routes on bp
