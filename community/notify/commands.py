"""The SMS commands a phone may send (issue 17 §1–2), simple enough for a 老人机:

- 退订 / TD / T / STOP: no more SMS but must ones (answered once, to confirm); 恢复 / START
  undoes it.
- 查询 12 (or CX 12): the status of one's own issue number 12. Another person's issue, or
  one that does not exist, gets the same answer: nobody learns an issue by its number.
- 评论 12 内容 (also 回复 评论 12 …, 留言 12 …, PL 12 …): a comment on one's own issue 12;
  without a number, on one's latest open issue.
- anything else from a resident: one help line a day.

Registered in `inbound.COMMANDS` when this module is imported (by notify/cli.py and
api/sms.py, at start-up).
"""

import re

from flask_babel import format_date

from .. import clock
from ..audit.service import record
from ..extensions import db
from ..i18n import gettext as _
from ..issues.models import COMMENT_MAX, Comment, Issue, IssueEvent
from ..issues.service import add_comment, short
from ..issues.states import FINISHED, STATUS_LABELS
from ..once import find_by_token
from .inbound import Must, command, normal, plain
from .models import SmsInbound
from .service import resume_sms, stop_sms

STOP_WORDS = {"退订", "TD", "T", "STOP", "UNSUBSCRIBE"}  # i18n: data (what phones send)
START_WORDS = {"恢复", "START"}  # i18n: data
QUERY_RE = re.compile(r"^(?:查询|查|CX)\s*#?(\d{1,9})号?$")  # i18n: data
# The number must stand alone ("评论 12 灯坏了"), so "评论 12号楼灯坏了" is a comment on the
# latest issue, not on issue 12.
COMMENT_RE = re.compile(
    r"^(?:回复\s*)?(?:评论|留言|PL)\s*[:：]?\s*"  # i18n: data
    r"(?:#?(\d{1,9})(?:[\s:：,，]+|$))?(.*)$", re.S | re.I)


@command(order=10)
def stop(message):
    """退订: stop every SMS but must ones; confirm once."""
    if normal(message.text).rstrip("。.!！") not in STOP_WORDS:
        return None
    stop_sms(message.phone, message.resident)
    return Must(_("您已退订议事厅短信，此后只收依法必须通知的消息。回复“恢复”可重新接收。"))


@command(order=11)
def start(message):
    """恢复: take SMS again."""
    if normal(message.text).rstrip("。.!！") not in START_WORDS:
        return None
    resume_sms(message.phone, message.resident)
    return Must(_("您已恢复接收议事厅短信。回复“退订”可停止。"))


@command(order=30)
def query(message):
    """查询 12: the status of the sender's own issue, in words."""
    found = QUERY_RE.match(normal(message.text))
    if found is None:
        return None
    issue = _own_issue(message.resident, int(found.group(1)))
    if issue is None:
        return _("没有找到您提的%(n)s号议题。", n=found.group(1))
    changed = db.session.scalar(db.select(db.func.max(IssueEvent.at))
                                .where(IssueEvent.issue_id == issue.id)) or issue.created_at
    return _("%(n)s号议题“%(title)s”：%(status)s（%(day)s）。", n=issue.id,
             title=short(issue.title, 14), status=STATUS_LABELS[issue.status],
             day=format_date(changed, _("M月d日")))


@command(order=40)
def comment(message):
    """评论 12 内容: a comment on the sender's own open issue, through the issues service."""
    found = COMMENT_RE.match(plain(message.text))
    if found is None:
        return None
    if message.resident is None:
        return ""  # not in the roster: nothing to comment on
    number, body = found.group(1), found.group(2).strip()
    if number:
        issue = _own_issue(message.resident, int(number))
        if issue is None:
            return _("没有找到您提的%(n)s号议题。", n=number)
    elif (issue := _latest_open(message.resident)) is None:
        return _("您没有进行中的议题。请发“评论 议题号 内容”。")
    if issue.status in FINISHED:
        return _("%(n)s号议题已结束，不能再留言。", n=issue.id)
    if not body:
        return _("请在“评论 %(n)s”后写上您的意见。", n=issue.id)
    token = f"sms:{message.id}"
    if find_by_token(Comment, token) is None:
        record("comment_posted", issue, actor=message.resident, unit_id=issue.unit_id,
               channel="sms", sms_inbound_id=message.id)
        add_comment(issue, message.resident, body[:COMMENT_MAX], token=token)
    return _("您的意见已加到%(n)s号议题“%(title)s”。", n=issue.id, title=short(issue.title, 14))


@command(order=900)
def help_line(message):
    """Anything else from a resident: how to use SMS, at most once a day (an answering
    machine replying to the answer gets no second one)."""
    if message.resident is None or _helped_today(message):
        return ""
    return _("议事厅短信：发“查询 议题号”看进度，“评论 议题号 内容”留言，“退订”停收。")


def _own_issue(resident, number: int) -> Issue | None:
    """The resident's own issue with this number, else None (whether or not it exists)."""
    if resident is None:
        return None
    issue = db.session.get(Issue, number)
    return issue if issue is not None and issue.author_id == resident.id else None


def _latest_open(resident) -> Issue | None:
    """The resident's own issue that changed last and is still open."""
    return db.session.scalar(
        db.select(Issue).join(IssueEvent, IssueEvent.issue_id == Issue.id)
        .where(Issue.author_id == resident.id, Issue.status.not_in(FINISHED))
        .order_by(IssueEvent.at.desc(), IssueEvent.id.desc()).limit(1))


def _helped_today(message) -> bool:
    return db.session.scalar(db.select(SmsInbound.id).where(
        SmsInbound.phone == message.phone, SmsInbound.command == "help_line",
        SmsInbound.id != message.id, SmsInbound.created_at >= clock.to_utc(clock.today()))
        .limit(1)) is not None
