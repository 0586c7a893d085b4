"""What the issue pages need besides the issue itself: forms with choices, page context."""

from flask import request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..access import home_units
from ..formkit import choices, new_token
from ..i18n import lazy_gettext as _l
from . import queries, service
from .forms import CommentForm, IssueForm
from .states import WITHDRAWABLE

SCOPE = {"building": _l("本栋"), "compound": _l("本小区"), "community": _l("本社区")}
VILLAGE_SCOPE = {"building": _l("本湾"), "compound": _l("本组"), "community": _l("本村")}


def unit_choices(resident) -> list:
    """The resident's building(s) first, then their compound and community (not the street)."""
    units = home_units(resident)
    words = VILLAGE_SCOPE if any(u.is_village for u in units) else SCOPE
    return choices((u.id, f"{u.name}（{words[u.kind]}）") for u in reversed(units)
                   if u.kind in words)


def issue_form(author, assisted: bool) -> IssueForm:
    """The post form with the author's units; the channel only when typing in for someone."""
    form = IssueForm()
    form.unit_id.choices = unit_choices(author)
    if not assisted:
        del form.channel
    if not form.is_submitted():
        form.unit_id.data = form.unit_id.choices[0].value if form.unit_id.choices else None
        if assisted:
            form.channel.data = "visit"
    if not form.submit_token.data:
        form.submit_token.data = new_token()
    return form


def refill(form, draft: dict):
    """Fill the form with the fields kept while the login had run out (drafts.take)."""
    for name, value in draft["fields"].items():
        if name in form and value:
            form[name].process(MultiDict({name: value}))
    return draft


def list_args() -> dict:
    """The list's query string without the page, for Previous/Next links."""
    args = request.args.to_dict()
    args.pop("page", None)
    return args


def support_context(issue, message: str = "") -> dict:
    """What the 附议 box needs."""
    n, mine = queries.supports_of(issue, current_user)
    return {"issue": issue, "supports": n, "supported": mine, "message": message,
            "can_take_part": service.can_take_part(current_user, issue)}


def show_context(issue, page: int | None, form: CommentForm | None = None) -> dict:
    """Everything the issue page shows: timeline, supports, comments and the comment form."""
    form = form or CommentForm(formdata=None)
    if not form.submit_token.data:
        form.submit_token.data = new_token()
    return {**support_context(issue), "events": queries.timeline(issue), "form": form,
            "comments": queries.comments_page(issue, page),
            "can_triage": service.can_triage(current_user, issue),
            "can_withdraw": issue.author_id == current_user.id and issue.status in WITHDRAWABLE}
