"""Domain errors of the ballots area: each carries a plain-words message for the user."""


class BallotError(Exception):
    """A vote or a ballot change that the rules refuse; `message` says why in plain words."""

    def __init__(self, message: str, field_name: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field_name


class NotOpen(BallotError):
    pass


class BallotClosed(BallotError):
    pass


class NotEligible(BallotError):
    pass


class AlreadyVoted(BallotError):
    pass


class NoticeTooShort(BallotError):
    pass
