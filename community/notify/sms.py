"""Pluggable SMS gateways. SMS_BACKEND names a class "module:Class" with send(phone, text)."""

import importlib
import logging

from flask import current_app

from ..extensions import db
from .models import SmsMessage

log = logging.getLogger(__name__)
MAX_LENGTH = 70  # one SMS segment of Chinese text (UCS-2)


class DatabaseBackend:
    """Default: record the message in the database and the log; nothing leaves the machine."""

    name = "database"

    def send(self, phone: str, text: str) -> None:
        db.session.add(SmsMessage(phone=phone, text=text, backend=self.name))
        log.info("sms to %s****: %s", phone[:3], text)


def backend():
    """The configured gateway instance."""
    module, _, cls = current_app.config["SMS_BACKEND"].partition(":")
    return getattr(importlib.import_module(module), cls)()


def clip(text: str) -> str:
    """Shorten text to one SMS (70 characters), marking the cut."""
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1] + "…"
