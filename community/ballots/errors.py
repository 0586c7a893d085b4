"""Domain errors of the ballots area: each carries a plain-words message for the user."""

from ..errors.domain import DomainError


class BallotError(DomainError):
    """A vote or a ballot change that the rules refuse; `message` says why in plain words."""


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
