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


class AtLeastOne:
    """A checkbox group needs one box ticked. Unlike DataRequired it sets no `required` flag:
    on a group that flag lands on every box, and the browser then wants them all ticked."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise ValidationError(self.message)


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def unit_choices(units) -> list[SelectChoice]:
    """Units as "船柴社区 / 船柴一区 / 1栋" (the names of their listed ancestors), in order."""
    by_id = {u.id: u for u in units}
    return [SelectChoice(u.id, " / ".join(by_id[i].name for i in u.ancestor_ids() if i in by_id))
            for u in units]


def new_token() -> str:
    """A one-time token for a create form, so a retried submit makes no second row."""
    return secrets.token_urlsafe(18)
