"""The words of the issue cycle: statuses, the moves allowed between them, channels, categories."""

from ..channels import labels_for
from ..i18n import lazy_gettext as _l

# DESIGN "The cycle": the order here is the order of the cycle.
STATUS_LABELS = {
    "submitted": _l("已提交"),
    "triaged": _l("已分流"),
    "forwarded": _l("已转交街道/乡镇"),
    "rejected": _l("不予受理"),
    "deliberating": _l("协商中"),
    "outcome_review": _l("成果审核"),
    "deciding": _l("表决中"),
    "implementing": _l("办理中"),
    "evaluating": _l("评价中"),
    "closed": _l("已办结"),
    "withdrawn": _l("已撤回"),
    "merged": _l("已合并"),
}
STATUSES = tuple(STATUS_LABELS)

# Where an issue may go next. change_status() refuses every other move.
TRANSITIONS = {
    "submitted": {"triaged", "forwarded", "rejected", "merged", "withdrawn"},
    "triaged": {"triaged", "forwarded", "rejected", "merged", "withdrawn", "deliberating"},
    "forwarded": {"triaged", "closed"},
    "rejected": {"submitted"},
    "deliberating": {"outcome_review", "closed", "withdrawn"},
    "outcome_review": {"deciding", "deliberating"},
    "deciding": {"implementing", "deliberating", "closed"},
    "implementing": {"evaluating", "closed"},
    "evaluating": {"closed", "implementing"},
    "closed": set(),
    "withdrawn": set(),
    "merged": set(),
}

# No more supports or comments once an issue is in one of these.
FINISHED = {"closed", "withdrawn", "merged", "rejected"}
WITHDRAWABLE = {s for s, nxt in TRANSITIONS.items() if "withdrawn" in nxt}
TRIAGEABLE = {"submitted", "triaged", "forwarded"}

CATEGORY_LABELS = {"big": _l("大事"), "small": _l("小事"), "micro": _l("微事")}
CATEGORIES = tuple(CATEGORY_LABELS)

CHANNEL_LABELS = labels_for(("web", "kiosk", "visit", "phone", "wechat", "hotline", "yige",
                             "box", "forum", "survey"))
CHANNELS = tuple(CHANNEL_LABELS)
# Channels a volunteer or worker records when entering an issue for someone else.
ASSISTED_CHANNELS = tuple(c for c in CHANNELS if c not in ("web", "kiosk"))
# Channels an outside system may post through the intake API.
API_CHANNELS = ("hotline", "yige", "wechat", "phone", "survey", "box")


def sql_in(values) -> str:
    """A SQL IN list for a CHECK constraint."""
    return "(" + ",".join(f"'{v}'" for v in values) + ")"
