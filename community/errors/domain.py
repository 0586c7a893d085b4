"""The base of every area's domain errors: a refusal in plain words, and the form field it is
about (None: the page as a whole). `formkit.field_error(form, error)` shows it there."""


class DomainError(Exception):
    """A rule refused what was asked; `message` says why, beside the form field `field`."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field
