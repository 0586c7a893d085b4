"""表决规则：从计票结果到表决结论，附白话理由和算式。只用精确算术（Fraction / Decimal）。"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..i18n import gettext
from ..i18n import lazy_gettext as _l

ZERO = Decimal("0")
YES_LABEL = "同意"  # i18n: data (the label of a stand-in agreeing option with no votes)
# What an option means, stored with it when the ballot is made (never read from its words):
# yes/no for a question put to agree or oppose, choice for one of several solutions, abstain.
KINDS = ("yes", "no", "choice", "abstain")
BASES = ("resident", "household", "owner")
Amount = Decimal | int


@dataclass(frozen=True)
class OptionCount:
    label: str
    heads: int
    area: Decimal = ZERO
    kind: str = "choice"

    def __post_init__(self) -> None:
        object.__setattr__(self, "area", _exact(self.area))
        if self.heads < 0 or self.area < 0:
            raise ValueError(gettext("选项「%(label)s」的票数或面积为负数", label=self.label))
        if self.kind not in KINDS:
            raise ValueError(gettext("选项「%(label)s」的类别 %(kind)r 不是 %(kinds)s 之一",
                                     label=self.label, kind=self.kind, kinds=KINDS))

    @property
    def abstain(self) -> bool:
        return self.kind == "abstain"


@dataclass(frozen=True)
class Tally:
    eligible_heads: int
    eligible_area: Decimal
    options: tuple[OptionCount, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "eligible_area", _exact(self.eligible_area))
        object.__setattr__(self, "options", tuple(self.options))
        if self.cast_heads > self.eligible_heads or self.cast_area > self.eligible_area:
            raise ValueError(gettext("投票人数或面积超过了应参与表决的总数"))

    @property
    def cast_heads(self) -> int:
        return sum(o.heads for o in self.options)

    @property
    def cast_area(self) -> Decimal:
        return sum((o.area for o in self.options), ZERO)


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "passed" | "failed" | "no_quorum"
    winner: int | None
    reason: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Threshold:
    value: Fraction
    strict: bool  # True: 过半数（>）；False: 以上（≥）
    yes: str
    no: str


# 民法典第一千二百五十九条："以上"包括本数，所以三分之二以上、四分之三以上用 ≥；
# "过半数"不包括本数，所以恰好一半不算过半数，用 >。
OVER_HALF = Threshold(Fraction(1, 2), True, _l("过半数"), _l("未过半数"))
TWO_THIRDS = Threshold(Fraction(2, 3), False, _l("达到三分之二以上"), _l("未达到三分之二以上"))
THREE_QUARTERS = Threshold(Fraction(3, 4), False, _l("达到四分之三以上"),
                           _l("未达到四分之三以上"))


@dataclass(frozen=True)
class _Words:
    cast: str  # 参与表决的人数叫什么
    total: str  # 应参与表决的总数叫什么
    count: str  # "人数" / "户数"
    subject: str  # 理由里说"参与表决的……"
    among: str  # 理由里说"在……中"


_WORDS = {
    "resident": _Words(_l("参与表决人数"), _l("十八周岁以上居民总数"), _l("人数"),
                       _l("十八周岁以上居民"), _l("参与表决的居民")),
    "household": _Words(_l("参与表决户数"), _l("总户数"), _l("户数"), _l("户数"),
                        _l("参与表决的户")),
    "owner": _Words(_l("参与表决人数"), _l("业主总人数"), _l("人数"), _l("业主人数"),
                    _l("参与表决的业主")),
    "representatives": _Words(_l("到会代表人数"), _l("代表总人数"), _l("人数"), _l("代表"),
                              _l("到会代表")),
}
# The area measure's words: (name of cast, name of eligible, unit word).
_AREA_WORDS = (_l("参与表决面积"), _l("总面积"), _l("面积"))


def _exact(value: object) -> Decimal:
    if isinstance(value, float):
        raise TypeError(gettext("面积必须用 Decimal 或整数，不能用浮点数"))
    exact = value if isinstance(value, Decimal) else Decimal(value)
    if not exact.is_finite():
        raise ValueError(gettext("面积 %(value)r 不是有限数", value=value))
    return exact


def format_area(area: Decimal) -> str:
    """面积写成 "1,234.5㎡"：千分位，至少一位小数，登记面积有更多位小数时照原样写出。"""
    places = max(1, -area.normalize().as_tuple().exponent)
    return f"{area:,.{places}f}㎡"


def format_percent(value: Fraction, places: int = 1) -> str:
    """比例写成 "68.6%"：四舍五入（ROUND_HALF_UP），默认一位小数。"""
    # 直接对分数取整，避免先做有限精度的除法再舍入造成的二次舍入。
    scaled = math.floor(value * 100 * 10**places + Fraction(1, 2))
    return f"{Decimal(scaled).scaleb(-places):,.{places}f}%"


def format_fraction(value: Fraction) -> str:
    """分数写成 "2/3"（大数带千分位）。"""
    return f"{value.numerator:,}/{value.denominator:,}"


def _compare(
    m: str, num: Amount, den: Amount, num_name: str, den_name: str, th: Threshold
) -> tuple[bool, str]:
    """Compare num/den with a threshold exactly; return (met, arithmetic line)."""
    value = Fraction(num) / Fraction(den)
    ok = value > th.value if th.strict else value >= th.value
    sign = (">" if ok else "≤") if th.strict else ("≥" if ok else "<")
    shown = format_percent(value)
    if value != th.value and shown == format_percent(th.value):
        # 舍入后与门槛看起来一样，多写几位并给出精确分数，免得符号看上去不对。
        places = 2
        while format_percent(value, places) == format_percent(th.value, places):
            places += 1
        shown = f"{format_fraction(value)} ≈ {format_percent(value, places)}"
    names = f"{num_name} {_show(m, num)} / {den_name} {_show(m, den)}"
    return ok, f"{names} = {shown} {sign} {format_fraction(th.value)}"


def _show(measure: str, amount: Amount) -> str:
    return format_area(amount) if measure == "area" else f"{amount:,}"


def _nouns(measures: Iterable[str], head_noun: str) -> str:
    names = [_AREA_WORDS[2] if m == "area" else head_noun for m in measures]
    if len(names) == 1:
        return str(names[0])
    first, second = names  # two measures at most: area and heads
    return gettext("%(first)s和%(second)s都", first=first, second=second)


def _measure(tally: Tally, m: str, words: _Words) -> tuple[Amount, Amount, str, str, str]:
    """(cast, eligible, name of cast, name of eligible, unit word) for "area" or "heads"."""
    if m == "area":
        return (tally.cast_area, tally.eligible_area, *_AREA_WORDS)
    return tally.cast_heads, tally.eligible_heads, words.cast, words.total, words.count


def _option_test(
    tally: Tally, option: OptionCount, name: str, m: str, th: Threshold, words: _Words
) -> tuple[bool, str]:
    cast, _, cast_name, _, unit = _measure(tally, m, words)
    mine = option.area if m == "area" else option.heads
    return _compare(m, mine, cast, f"{name}{unit}", cast_name, th)


Candidate = tuple[int | None, OptionCount]


def is_yes_no(kinds: Iterable[str]) -> bool:
    """有同意或反对的选项就是赞成/反对式表决，只有同意算同意；否则是多方案表决，逐个方案检验。"""
    return any(kind in ("yes", "no") for kind in kinds)


def _candidates(options: tuple[OptionCount, ...]) -> tuple[bool, list[Candidate]]:
    """Is this a yes/no ballot, and which options could be the agreeing one."""
    if not is_yes_no(o.kind for o in options):
        return False, [(i, o) for i, o in enumerate(options) if not o.abstain]
    yes = [(i, o) for i, o in enumerate(options) if o.kind == "yes"]
    return True, yes[:1] or [(None, OptionCount(YES_LABEL, 0, kind="yes"))]  # 同意票为零


Quorum = tuple[tuple[str, ...], Threshold]


def _check_quorum(tally: Tally, words: _Words, quorum: Quorum) -> tuple[list[str], str]:
    """Arithmetic lines for the quorum, and why it was missed ("" when it was met)."""
    measures, th = quorum
    results = [_compare(m, *_measure(tally, m, words)[:4], th) for m in measures]
    short = [m for m, (ok, _) in zip(measures, results, strict=True) if not ok]
    why = gettext("参与表决的%(who)s%(short)s，不足法定参与比例，表决不成立。",
                  who=_nouns(short, words.subject), short=th.no) if short else ""
    return [line for _, line in results], why


def _judge(
    tally: Tally, words: _Words, quorum: Quorum | None, measures: tuple[str, ...], th: Threshold
) -> Verdict:
    for m in ("heads", "area") if quorum and "area" in quorum[0] else ("heads",):
        _, eligible, _, total, _ = _measure(tally, m, words)
        if eligible == 0:
            reason = gettext("%(total)s为零，没有可以计算比例的基数，表决不成立。", total=total)
            return Verdict("no_quorum", None, reason, (f"{total} {_show(m, eligible)}",))
    lines: list[str] = []
    among = gettext("在%(who)s中，", who=words.among)
    if quorum:
        lines, why = _check_quorum(tally, words, quorum)
        if why:
            return Verdict("no_quorum", None, why, tuple(lines))
        among = gettext("参与表决的%(who)s%(met)s；%(among)s", who=_nouns(quorum[0], words.subject),
                        met=quorum[1].yes, among=among)
    if tally.cast_heads == 0:
        return Verdict("failed", None, gettext("没有人投票，表决未通过。"), (f"{words.cast} 0",))
    yes_no, candidates = _candidates(tally.options)
    if not candidates:
        lines.append(gettext("%(cast)s %(n)s，全部弃权", cast=words.cast,
                             n=f"{tally.cast_heads:,}"))
    winner, missing = None, list(measures)
    # 每个方案都检验并列出算式；门槛至少过半数，所以最多一个方案能达到。
    for index, option in candidates:
        name = gettext("同意") if yes_no else gettext("选「%(label)s」的", label=option.label)
        results = [_option_test(tally, option, name, m, th, words) for m in measures]
        lines += [line for _, line in results]
        missing = [m for m, (ok, _) in zip(measures, results, strict=True) if not ok]
        if not missing:
            winner = (index, gettext("同意的") if yes_no else name)
    if winner:
        done = gettext("表决通过") if yes_no else gettext("该方案通过")
        reason = gettext("%(among)s%(who)s%(nouns)s%(met)s，%(done)s。", among=among, who=winner[1],
                         nouns=_nouns(measures, words.count), met=th.yes, done=done)
        return Verdict("passed", winner[0], reason, tuple(lines))
    if yes_no:
        reason = gettext("%(among)s同意的%(nouns)s%(short)s，表决未通过。", among=among,
                         nouns=_nouns(missing, words.count), short=th.no)
    else:
        reason = gettext("%(among)s没有一个方案的%(nouns)s%(met)s，表决未通过。", among=among,
                         nouns=_nouns(measures, words.count), met=th.yes)
    return Verdict("failed", None, reason, tuple(lines))


def _basis(basis: str, allowed: tuple[str, ...]) -> str:
    if basis not in allowed:
        raise ValueError(gettext("计票基数 %(basis)r 不适用于这条规则，应为 %(allowed)s",
                                 basis=basis, allowed=allowed))
    return basis


def majority(tally: Tally, basis: str = "resident") -> Verdict:
    """简单多数：不设参与门槛，投票的人中同意的过半数即通过。"""
    # 弃权也算投了票，计入分母："过半数同意"问的是投票者中有多少人同意，
    # 弃权者投了票却没有同意，所以弃权会让通过更难——与法定规则对"参与表决者"的口径一致。
    return _judge(tally, _WORDS[_basis(basis, BASES)], None, ("heads",), OVER_HALF)


def assembly(tally: Tally, basis: str) -> Verdict:
    """居民会议/村民会议：按人（过半数）或按户（三分之二以上）到会，到会者过半数同意。"""
    # 村民委员会组织法第二十二条：应当有十八周岁以上村民的过半数，或者三分之二以上的户的代表参加，
    # 所作决定应当经到会人员的过半数通过。
    words = _WORDS[_basis(basis, ("resident", "household"))]
    quorum = OVER_HALF if basis == "resident" else TWO_THIRDS
    return _judge(tally, words, (("heads",), quorum), ("heads",), OVER_HALF)


def representatives(tally: Tally, basis: str = "resident") -> Verdict:
    """居民/村民代表会议：三分之二以上代表到会，到会者过半数同意。"""
    # 村民委员会组织法第二十六条：有三分之二以上的组成人员参加方可召开，
    # 所作决定应当经到会人员的过半数同意。
    _basis(basis, BASES)
    words = _WORDS["representatives"]
    return _judge(tally, words, (("heads",), TWO_THIRDS), ("heads",), OVER_HALF)


# 民法典第二百七十八条第二款：专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决。
_OWNER_QUORUM: Quorum = (("area", "heads"), TWO_THIRDS)


def owners_ordinary(tally: Tally, basis: str = "owner") -> Verdict:
    """业主共同决定一般事项：面积和人数双三分之二参与，参与表决面积和人数都过半数同意。"""
    _basis(basis, ("owner",))
    return _judge(tally, _WORDS["owner"], _OWNER_QUORUM, ("area", "heads"), OVER_HALF)


def owners_special(tally: Tally, basis: str = "owner") -> Verdict:
    """业主共同决定重大事项：双三分之二参与，参与表决面积和人数都达到四分之三以上同意。"""
    # 民法典第二百七十八条第一款第六至八项：筹集维修资金、改建重建建筑物及其附属设施、
    # 改变共有部分用途或利用共有部分经营；加装电梯涉及改建和占用共有部分，也按这一档。
    _basis(basis, ("owner",))
    return _judge(tally, _WORDS["owner"], _OWNER_QUORUM, ("area", "heads"), THREE_QUARTERS)


RULES = {
    "majority": majority,
    "assembly": assembly,
    "representatives": representatives,
    "owners_ordinary": owners_ordinary,
    "owners_special": owners_special,
}


def decide(rule: str, tally: Tally, basis: str) -> Verdict:
    """按规则名（RULES 的键）和计票基数（resident / household / owner）作出表决结论。"""
    if rule not in RULES:
        raise ValueError(gettext("未知的表决规则 %(rule)r", rule=rule))
    return RULES[rule](tally, basis)


@dataclass(frozen=True)
class OwnerGroup:
    key: Hashable
    unit_keys: tuple
    owner_keys: frozenset
    area: Decimal
    developer: bool = False


def _order(key: Hashable) -> tuple[str, str]:
    return str(key), repr(key)


Unit = tuple[Hashable, Iterable[Hashable], Decimal, bool]


def owner_groups(units: Iterable[Unit]) -> list[OwnerGroup]:
    """把专有部分归并为计票用的业主：每组算一人，面积相加（法释〔2009〕7号第八、九条）。"""
    rows = [(unit, tuple(owners), _exact(area), bool(dev)) for unit, owners, area, dev in units]
    parent: dict[tuple, tuple] = {}

    def find(node: tuple) -> tuple:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for unit, owners, _, dev in rows:
        if ("unit", unit) in parent:
            raise ValueError(gettext("专有部分 %(unit)r 重复出现", unit=unit))
        # 第九条：一个专有部分按一人计算（共有人合计一人）；同一买受人拥有多个专有部分的按一人计算；
        # 建设单位未出售和已出售未交付的部分合计按一人计算——这些单元的买受人尚未交付，不参与归并。
        links = [("developer",)] if dev else [("owner", o) for o in owners]
        root = find(("unit", unit))
        for link in links:
            parent[find(link)] = find(root)
    members: dict[tuple, list] = {}
    for row in rows:
        members.setdefault(find(("unit", row[0])), []).append(row)
    groups = []
    for rows_in in members.values():
        unit_keys = tuple(sorted((r[0] for r in rows_in), key=_order))
        owner_keys = frozenset(o for r in rows_in if not r[3] for o in r[1])
        # 第八条：面积按登记（或实测、合同）面积计算，这里原样精确相加。
        area = sum((r[2] for r in rows_in), ZERO)
        developer = any(r[3] for r in rows_in)
        groups.append(OwnerGroup(unit_keys[0], unit_keys, owner_keys, area, developer))
    return sorted(groups, key=lambda g: _order(g.key))
