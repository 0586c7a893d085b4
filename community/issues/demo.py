"""Demo issues from the problems named in the seed article, in every status of the cycle."""

import secrets
from datetime import timedelta

from .. import clock
from ..access import residents_in
from ..extensions import db
from ..residents.models import Resident
from .intake import hash_token
from .models import ApiToken, Comment, Issue, IssueEvent, Support, WebhookDelivery
from .service import change_status
from .triage import default_responsible
from .webhooks import new_secret

# The road from submitted to each status (triage first where it needs a category).
ROADS = {
    "submitted": [], "triaged": ["triaged"], "forwarded": ["forwarded"],
    "rejected": ["rejected"], "withdrawn": ["withdrawn"], "merged": [],
    "deliberating": ["triaged", "deliberating"],
    "outcome_review": ["triaged", "deliberating", "outcome_review"],
    "deciding": ["triaged", "deliberating", "outcome_review", "deciding"],
    "implementing": ["triaged", "deliberating", "outcome_review", "deciding", "implementing"],
    "evaluating": ["triaged", "deliberating", "outcome_review", "deciding", "implementing",
                   "evaluating"],
    "closed": ["triaged", "deliberating", "outcome_review", "deciding", "implementing",
               "evaluating", "closed"],
}
NOTES = {
    "deliberating": "列入“周周碰”议程，欢迎在线发表意见",
    "outcome_review": "协商形成方案，报社区党委审核",
    "deciding": "方案审核通过，交居民表决",
    "implementing": "表决通过，开始办理",
    "evaluating": "已办完，请居民评价",
    "closed": "居民评价满意，办结",
    "withdrawn": "问题已自行解决",
}

# key, unit, author ("resident", "volunteer" or a neighbour), channel, urgent, status,
# category, days ago, title, body
ISSUES = [
    ("drying", "船柴一区", "resident", "web", False, "deliberating", "micro", 20,
     "晾晒难：楼下没有地方晒被子",
     "船柴一区楼与楼之间没有晾衣的地方，老人只能把被子搭在花坛上。能不能在空地装几排晾衣架？"),
    ("lift", "船柴一区/1栋", "volunteer", "visit", False, "submitted", None, 2,
     "1栋老楼加装电梯",
     "1栋是六层老楼，住着很多七八十岁的老人，上下楼很困难，希望加装电梯。"),
    ("parking", "船柴社区", "n1", "wechat", True, "submitted", None, 0,
     "停车难：晚上车停在消防通道上",
     "每天晚上船柴路口的消防通道都被私家车堵住，万一失火消防车进不来。"),
    ("doctor", "船柴社区", "n2", "forum", False, "forwarded", "big", 30,
     "就医难：附近没有社区卫生服务站", "最近的医院要坐三站公交，老人看病拿药很不方便。"),
    ("charger", "船柴二区", "n3", "hotline", False, "deciding", "micro", 45,
     "建充电桩：电动车在楼道里充电太危险",
     "不少人把电动车推进楼道，从窗户拉电线充电，有火灾隐患。建议在小区里建集中充电桩。"),
    ("garden", "船柴二区", "n4", "box", False, "implementing", "micro", 60,
     "拆除违建菜园，恢复绿地", "二区空地被圈成了十几块菜园，浇粪水气味大，还招蚊虫。"),
    ("shed", "船柴一区", "n5", "yige", False, "evaluating", "micro", 90,
     "搭停车棚，电动车有处停", "电动车日晒雨淋，建议在一区北门搭一个停车棚。"),
    ("bump", "船柴一区", "resident", "web", False, "outcome_review", "micro", 25,
     "小区门口增设减速带", "北门出来就是马路，车速很快，接送孩子的家长很担心。"),
    ("bins", "船柴二区", "n3", "survey", False, "closed", "micro", 120,
     "垃圾分类亭搬到下风口", "垃圾亭正对着住户窗户，夏天气味很重。"),
    ("oil", "船柴社区", "n6", "phone", False, "rejected", None, 15,
     "要求社区每月给每户发米面油", ""),
    ("noise", "船柴一区", "n1", "web", False, "withdrawn", None, 12,
     "楼下广场舞声音太大", "晚上九点以后还在放音乐，影响休息。"),
    ("quilts", "船柴一区", "n6", "visit", False, "merged", None, 18,
     "被子没地方晒", "同楼的邻居都说想要晾衣架。"),
    ("jj_dry", "锦江花园", "n7", "forum", False, "triaged", "micro", 8,
     "围楼夜话：增设公共晾衣架", "“围楼夜话”上大家提出，锦江花园缺少晾晒的地方。"),
    ("sj_charger", "三吉花园小区", "n8", "forum", False, "closed", "micro", 200,
     "建充电桩、搭停车棚", "民情恳谈会上居民提出的“微心愿”。"),
    ("djp_road", "张家山组", "n9", "visit", False, "implementing", "small", 100,
     "修葺果园公路", "张家山的果园公路坑洼不平，运橘子的车进不去，村民愿意投工投劳。"),
]
COMMENTS = {
    "drying": ["同意，我们单元的老人也没地方晒。", "晾衣架装在花坛边上比较好，不挡路。",
               "希望能装带顶棚的，下雨也不怕。"],
    "charger": ["充电桩要按度收费，不能太贵。", "支持，楼道里充电太吓人了。"],
    "bump": ["减速带太高了电动车过不去，建议装缓坡的。"],
}
MERGES = {"quilts": "drying"}


def _neighbours(ctx) -> dict[str, Resident]:
    """Nine made-up residents living in the units the demo issues are about."""
    picks = {}
    for n, unit_name in enumerate(["船柴社区", "船柴社区", "船柴二区", "船柴二区", "船柴一区",
                                   "船柴一区", "锦江花园", "三吉花园小区", "张家山组"], 1):
        rows = db.session.scalars(residents_in(ctx.units[unit_name]).order_by(Resident.id)
                                  .limit(n + 3)).all()
        picks[f"n{n}"] = rows[n - 1 if n <= len(rows) else 0]
    return picks


def seed(ctx) -> None:
    """Create the demo issues with their histories, supports and comments."""
    people = {**_neighbours(ctx), "resident": ctx.logins["resident"]}
    worker, now = ctx.logins["worker"], clock.now()
    made: dict[str, Issue] = {}
    for key, unit, who, channel, urgent, status, category, days, title, body in ISSUES:
        helper = ctx.logins["volunteer"] if who == "volunteer" else None
        author = ctx.logins["resident"] if helper else people[who]
        issue = Issue(title=title, body=body, unit=ctx.units[unit], author=author,
                      submitted_by=helper, channel=channel, urgent=urgent,
                      created_at=now - timedelta(days=days, hours=3))
        db.session.add(issue)
        db.session.add(IssueEvent(issue=issue, actor=helper or author, to_status="submitted",
                                  at=issue.created_at, note=str(issue.channel_label)))
        db.session.flush()
        if key == "shed":  # came in through 宜格服务's intake API, which hears of each step
            issue.api_token, issue.submit_token = _yige_token(), "api:yige:YG-20260907-0117"
        actor = worker if unit.startswith("船柴") else None
        _walk(issue, status, category, actor, days)
        made[key] = issue
    for dup, target in MERGES.items():
        made[dup].merged_into_id = made[target].id
        change_status(made[dup], "merged", worker, f"并入第{made[target].id}号议题")
    _supports_and_comments(ctx, made, worker)
    _callbacks_told(made["shed"])
    db.session.flush()


def _yige_token() -> ApiToken:
    """宜格服务's token (its value thrown away) with a callback that does not answer."""
    token = ApiToken(channel="yige", token_hash=hash_token(secrets.token_urlsafe(32)),
                     note="宜格服务（演示）", callback_url="https://yige.example/yishiting/events",
                     callback_secret=new_secret())
    db.session.add(token)
    return token


def _callbacks_told(issue: Issue) -> None:
    """宜格服务 heard of every step but the last, which it never answered: dead."""
    *told, last = db.session.scalars(db.select(WebhookDelivery).where(
        WebhookDelivery.issue_id == issue.id).order_by(WebhookDelivery.id)).all()
    for row in told:
        row.status, row.attempts, row.delivered_at = "delivered", 1, row.created_at
    last.status, last.attempts, last.last_error = "dead", 11, "HTTP 503 Service Unavailable"


def _walk(issue: Issue, status: str, category, actor, days: int) -> None:
    """Move the issue along its road, one day a step, as the workers would have."""
    for step, to_status in enumerate(ROADS[status], 1):
        if to_status in ("triaged", "forwarded"):
            issue.category = category
            issue.responsible = default_responsible(issue, category)[:60]
            issue.triaged_at = issue.created_at + timedelta(days=1)
            note = f"{issue.category_label}，{issue.responsible}"
            if to_status == "forwarded":
                note += "：涉及基本公共服务，需街道协调卫健部门"
        elif to_status == "rejected":
            note = "不属于居民议事范围，困难家庭救助可到社区民政窗口申请"
        else:
            note = NOTES[to_status]
        who = issue.author if to_status == "withdrawn" else actor
        event = change_status(issue, to_status, who, note)
        event.at = issue.created_at + timedelta(days=min(step, max(days - 1, 0)), hours=2)


def _supports_and_comments(ctx, made: dict[str, Issue], worker) -> None:
    """A few supports on the open issues, and the comments of the online deliberation."""
    logins = [r.id for r in ctx.logins.values()]
    for key, issue in made.items():
        if issue.status in ("withdrawn", "merged", "rejected"):
            continue
        # Neighbours, not the demo logins, so the demo resident still has 附议 to press.
        backers = db.session.scalars(
            residents_in(issue.unit).where(Resident.id.not_in(logins))
            .order_by(Resident.id.desc()).limit(3 + len(key) % 5)).all()
        for r in backers:
            if r.id != issue.author_id:
                db.session.add(Support(issue_id=issue.id, resident_id=r.id))
        for i, text in enumerate(COMMENTS.get(key, [])):
            db.session.add(Comment(issue_id=issue.id, author=backers[i % len(backers)],
                                   body=text, created_at=issue.created_at + timedelta(days=i)))
    hidden = Comment(issue_id=made["drying"].id, author=ctx.logins["volunteer"],
                     body="有事打我电话 139xxxxxxxx", hidden_at=clock.now(),
                     hidden_by_id=worker.id, hide_reason="含有个人电话号码")
    db.session.add(hidden)
