"""The words for the ways in (DESIGN "A new channel"): how an issue came in and how a vote
was cast. One word per channel, wherever it is named: the same visit is 入户走访 on an issue
and on a vote."""

from .i18n import lazy_gettext as _l

CHANNEL_LABELS = {
    "web": _l("网上"),
    "kiosk": _l("自助终端"),
    "visit": _l("入户走访"),
    "paper": _l("纸质票"),
    "assembly": _l("现场举手"),
    "phone": _l("电话"),
    "wechat": _l("微信群"),
    "hotline": _l("12345热线"),
    "yige": _l("宜格服务"),
    "box": _l("意见箱"),
    "forum": _l("座谈会"),
    "survey": _l("问卷"),
    "sms": _l("短信"),
}


def labels_for(channels) -> dict:
    """The words of an area's own channels, in the area's order."""
    return {c: CHANNEL_LABELS[c] for c in channels}
