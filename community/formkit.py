"""Small pieces every area's forms share: filters, choice lists, one-time submit tokens."""

import secrets

from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError


def strip(value):
    """Filter: trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


def one_of(message):
    """A choice validator with our own words (WTForms' default message is English)."""
    def check(form, field):
        if field.data not in [c.value for c in field.choices]:
            raise ValidationError(message)
    return check


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def new_token() -> str:
    """A one-time token for a create form, so a retried submit makes no second row."""
    return secrets.token_urlsafe(18)
