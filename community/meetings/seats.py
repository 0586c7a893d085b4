"""The words of 民事民议: body compositions and their seats, meeting kinds, outcome states."""

from fractions import Fraction

from ..i18n import lazy_gettext as _l

SEAT_LABELS = {
    "liangwei": _l("两委成员"),
    "resident_rep": _l("居民代表"),
    "migrant_rep": _l("常住外来人口代表"),
    "social_org": _l("社会组织代表"),
    "party_branch": _l("小区党支部成员"),
    "owners_committee": _l("业主委员会成员"),
    "property": _l("物业服务企业负责人"),
    "group_leader": _l("村民小组（党小组）长"),
    "villager_rep": _l("村民代表"),
    "stakeholder": _l("利益相关方"),
    "resident": _l("列席居民"),
}
# Seats a village committee names in the words of the village (村两委, 村民代表).
VILLAGE_SEAT_LABELS = {"liangwei": _l("村两委成员"), "resident_rep": _l("村民代表")}

# Yichang's compositions (see shared/SEED-ARTICLE.txt): the fixed seats; "+N" (利益相关方)
# are chosen for each meeting, so they are never a standing seat of a body.
COMPOSITIONS = {
    "committee": (_l("社区（村）议事协商委员会 4+N"),
                  ("liangwei", "resident_rep", "migrant_rep", "social_org")),
    "urban": (_l("小区议事协商会 5+N"),
              ("liangwei", "party_branch", "owners_committee", "property", "social_org")),
    "rural": (_l("村民小组（自然湾组）议事协商会 4+N"),
              ("liangwei", "group_leader", "villager_rep", "social_org")),
}
MEMBER_SEATS = tuple(s for s in SEAT_LABELS if s not in ("stakeholder", "resident"))

# A quorum counts the body's standing members present. 民法典第一千二百五十九条: "以上" includes
# the number itself (≥); "过半数" does not (>), so exactly half is not enough.
QUORUMS = {"1/2": (_l("过半数成员到会"), True), "2/3": (_l("三分之二以上成员到会"), False),
           "3/4": (_l("四分之三以上成员到会"), False)}

KIND_LABELS = {"regular": _l("例会（周周碰、月月议）"), "immediate": _l("即时协商（紧急事项）")}
MODE_LABELS = {"onsite": _l("现场"), "online": _l("线上"), "both": _l("现场和线上")}
REPEAT_LABELS = {"": _l("不重复"), "weekly": _l("每周一次"), "monthly": _l("每月一次")}

OUTCOME_KIND_LABELS = {"agreed": _l("形成一致意见"),
                       "alternatives": _l("形成几种方案，交居民表决（金字塔议事）")}
OUTCOME_STATUS_LABELS = {
    "pending": _l("待党组织审核"),
    "returned": _l("已退回修改"),
    "approved": _l("审核通过，待定下一步"),
    "ballot": _l("待表决（网上投票）"),
    "assembly": _l("待居民会议（代表会议）表决"),
    "direct": _l("由议事会直接决定办理（微事）"),
}
NEXT_STEPS = ("ballot", "assembly", "direct")


def seat_label(seat: str, village: bool = False) -> str:
    """The seat's name, in the village's words where the body is a village's."""
    if village and seat in VILLAGE_SEAT_LABELS:
        return str(VILLAGE_SEAT_LABELS[seat])
    return str(SEAT_LABELS[seat])


def quorum_met(present: int, total: int, quorum: str) -> bool:
    """True when present out of total meets the quorum, counted in exact fractions."""
    if total <= 0:
        return False
    share, need = Fraction(present, total), Fraction(quorum)
    strict = QUORUMS[quorum][1]
    return share > need if strict else share >= need


def sql_in(values) -> str:
    """A SQL IN list for a CHECK constraint."""
    return "(" + ",".join(f"'{v}'" for v in values) + ")"
