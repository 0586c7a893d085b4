"""Links from a household to the other areas: post an issue for a resident, help them vote."""

from flask import url_for
from flask_login import current_user

from ..ballots import queries
from ..ballots.models import Ballot
from ..extensions import db
from ..i18n import gettext as _


def helper_links(resident) -> list[tuple[str, str]]:
    """(label, url) for what a volunteer can do for this resident elsewhere."""
    links: list[tuple[str, str]] = []
    if resident.id == current_user.id:
        return links  # one's own household: nothing to do on one's own behalf
    links.append((_("替%(name)s提议题", name=resident.name),
                  url_for("issues.new", **{"for": resident.id})))
    for ballot in _ballots_to_help(resident):
        links.append((_("协助%(name)s投票：%(title)s", name=resident.name, title=ballot.title),
                      url_for("ballots.assist_vote", ballot_id=ballot.id,
                              resident_id=resident.id)))
    return links


def _ballots_to_help(resident) -> list:
    """Open ballots this resident has not voted in yet, that allow door-to-door votes."""
    ids = queries.pending_ids(resident)
    if not ids:
        return []
    ballots = db.session.scalars(db.select(Ballot).where(Ballot.id.in_(ids)).order_by(Ballot.id))
    return [b for b in ballots if "visit" in b.channel_list]
