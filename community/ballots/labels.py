"""The words of ballots, in one place: verdicts, channels, who votes, rules, states, receipt
codes. The counting (results.py, rules.py) reads stored kinds and outcomes, never these."""

from ..channels import labels_for
from ..i18n import lazy_gettext as _l
from . import rules
from .models import CHANNELS, Ballot

format_area = rules.format_area

OUTCOME_LABELS = {"passed": _l("通过"), "failed": _l("未通过"), "no_quorum": _l("表决不成立")}
CHANNEL_LABELS = labels_for(CHANNELS)
BASIS_LABELS = {"resident": _l("十八周岁以上居民，一人一票"), "household": _l("一户一票"),
                "owner": _l("业主：按专有部分面积和人数双重计算")}
RULE_LABELS = {
    "majority": _l("简单多数：投票的人中同意的过半数即通过"),
    "assembly": _l("居民会议：过半数成年居民或三分之二以上的户参加，到会者过半数同意"),
    "representatives": _l("居民代表会议：三分之二以上代表参加，到会代表过半数同意"),
    "owners_ordinary": _l("业主共同决定一般事项（民法典第二百七十八条）：面积和人数都三分之二以上"
                          "参与，参与表决的面积和人数都过半数同意"),
    "owners_special": _l("业主共同决定重大事项（民法典第二百七十八条）：面积和人数都三分之二以上"
                         "参与，参与表决的面积和人数都四分之三以上同意"),
}
# A ballot between several solutions (金字塔议事): a solution passes, nobody "agrees".
SOLUTION_RULE_LABELS = {
    "majority": _l("简单多数：投票的人中选同一个方案的过半数，该方案通过"),
    "assembly": _l("居民会议：过半数成年居民或三分之二以上的户参加，到会者过半数选同一个方案，"
                   "该方案通过"),
    "representatives": _l("居民代表会议：三分之二以上代表参加，到会代表过半数选同一个方案，"
                          "该方案通过"),
    "owners_ordinary": _l("业主共同决定一般事项（民法典第二百七十八条）：面积和人数都三分之二以上"
                          "参与，参与表决的面积和人数都过半数选同一个方案，该方案通过"),
    "owners_special": _l("业主共同决定重大事项（民法典第二百七十八条）：面积和人数都三分之二以上"
                         "参与，参与表决的面积和人数都四分之三以上选同一个方案，该方案通过"),
}
HEAD_WORDS = {"resident": _l("人"), "household": _l("户"), "owner": _l("人")}
STATUS_LABELS = {"scheduled": _l("公示中，尚未开始"), "open": _l("投票进行中"),
                 "closed": _l("已结束")}


def who_votes(ballot: Ballot) -> str:
    """Who may vote, for someone who may not ("本次只有业主可以投票")."""
    where = f"{ballot.unit.name}{ballot.entrance or ''}"
    if ballot.rule == "representatives":
        return str(_l("本次只有%(where)s的居民代表可以投票", where=where))
    if ballot.basis == "owner":
        return str(_l("本次只有%(where)s的业主可以投票", where=where))
    if ballot.basis == "household":
        return str(_l("本次由%(where)s的住户一户一票", where=where))
    return str(_l("本次由%(where)s十八周岁以上的居民投票", where=where))


def rule_label(ballot: Ballot) -> str:
    """The ballot's rule in words: "同意" for a yes/no question, "选同一个方案" otherwise."""
    yes_no = rules.is_yes_no(o.kind for o in ballot.options)
    return str((RULE_LABELS if yes_no else SOLUTION_RULE_LABELS)[ballot.rule])


def format_receipt(code: str) -> str:
    """The one way a receipt code is shown, on every channel: two groups of four joined by a
    non-breaking hyphen, so it never breaks across lines on a small screen (ABCD‑2345)."""
    return f"{code[:4]}\u2011{code[4:]}"


def plain_receipt(code: str) -> str:
    """A receipt code as stored: what was typed, without dashes or spaces, in capitals."""
    return "".join(c for c in code if c.isalnum()).upper()
