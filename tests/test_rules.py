"""Tests for community.ballots.rules: legal thresholds at their boundaries, plus properties."""

import ast
import inspect
import random
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from community.ballots import rules
from community.ballots.rules import (
    OptionCount,
    Tally,
    decide,
    format_area,
    format_fraction,
    format_percent,
    owner_groups,
)
from community.ballots.service import option_kinds

# No example database: the test run must not leave a .hypothesis folder behind.
PROPERTY = settings(database=None, max_examples=300, deadline=None)


KIND_OF = {"同意": "yes", "反对": "no", "不同意": "no", "弃权": "abstain"}


def kind(label: str) -> str:
    """The kind the ballot service gives an option with this label (option_kinds)."""
    return KIND_OF.get(label, "choice")


def tally(eligible_heads, eligible_area, *options):
    """Build a Tally from (label, heads, area[, abstain]) tuples; area may be str. Each option
    gets the kind the ballot service would store for its label."""
    return Tally(
        eligible_heads,
        D(eligible_area),
        tuple(OptionCount(o[0], o[1], D(o[2]), "abstain" if o[3:] and o[3] else kind(o[0]))
              for o in options),
    )


def agree(heads, area="0"):
    return ("同意", heads, area)


def against(heads, area="0"):
    return ("反对", heads, area)


def abstain(heads, area="0"):
    return ("弃权", heads, area, True)


def check(rule, basis, tally_, outcome, winner):
    verdict = decide(rule, tally_, basis)
    assert (verdict.outcome, verdict.winner) == (outcome, winner), verdict
    assert verdict.reason and verdict.lines


# 民法典第二百七十八条第二款：面积和人数都要三分之二以上参与（第一千二百五十九条："以上"含本数）。
# Electorate: 30 owners with 300 m².
OWNER_QUORUM = [
    ("exactly 2/3 of area and of heads", [agree(15, "150"), against(5, "50")], "passed"),
    ("one head short", [agree(14, "150"), against(5, "50")], "no_quorum"),
    ("area met, heads not", [agree(14, "200"), against(5, "50")], "no_quorum"),
    ("heads met, area not", [agree(15, "149.9"), against(10, "50")], "no_quorum"),
    ("area 0.01 m2 short", [agree(20, "199.99")], "no_quorum"),
    ("abstainers make the quorum", [agree(14, "140"), abstain(6, "60")], "passed"),
    ("the same without the abstainers", [agree(14, "140")], "no_quorum"),
]


@pytest.mark.parametrize(
    ("options", "outcome"), [r[1:] for r in OWNER_QUORUM], ids=[r[0] for r in OWNER_QUORUM]
)
def test_owner_quorum(options, outcome):
    winner = 0 if outcome == "passed" else None
    check("owners_ordinary", "owner", tally(30, "300", *options), outcome, winner)


# 第六至八项：参与表决面积和人数都要四分之三以上同意。Electorate: 100 owners, 1000 m².
OWNERS_SPECIAL = [
    ("exactly 3/4 of area and heads", [agree(60, "600"), against(20, "200")], "passed", 0),
    ("just under 3/4 by area", [agree(60, "599.9"), against(20, "200.1")], "failed", None),
    ("just under 3/4 by heads", [agree(59, "600"), against(21, "200")], "failed", None),
    ("abstainers are in the denominator", [agree(60, "600"), abstain(21, "200")], "failed", None),
    ("abstainers exactly 1/4", [abstain(20, "200"), agree(60, "600")], "passed", 1),
    ("solutions, the second wins", [("乙", 20, "200"), ("甲", 60, "600")], "passed", 1),
    ("solutions, none reaches 3/4", [("乙", 21, "200"), ("甲", 59, "600")], "failed", None),
]
# 其他事项：过半数，恰好一半不算过半数。
OWNERS_ORDINARY = [
    ("exactly half fails", [agree(40, "400"), against(40, "400")], "failed", None),
    ("half + 1 head, area > half", [agree(41, "400.1"), against(40, "399.9")], "passed", 0),
    ("half + 1 head, area exactly half", [agree(41, "400"), against(40, "400")], "failed", None),
    ("a pass", [agree(40, "450"), against(30, "300")], "passed", 0),
    (
        "abstainers tie it",
        [agree(40, "450"), against(30, "300"), abstain(10, "50")],
        "failed",
        None,
    ),
    ("no agree option at all", [against(70, "800")], "failed", None),
    ("solutions", [("甲", 30, "400"), ("乙", 41, "401"), abstain(1)], "passed", 1),
]


@pytest.mark.parametrize(
    ("rule", "options", "outcome", "winner"),
    [pytest.param("owners_special", *r[1:], id=r[0]) for r in OWNERS_SPECIAL]
    + [pytest.param("owners_ordinary", *r[1:], id=r[0]) for r in OWNERS_ORDINARY],
)
def test_owner_agreement(rule, options, outcome, winner):
    check(rule, "owner", tally(100, "1000", *options), outcome, winner)


# 村民委员会组织法第二十二条：十八周岁以上的人过半数（恰好一半不够），
# 或三分之二以上的户（含本数）到会；到会者过半数同意。
# 第二十六条：三分之二以上代表到会，到会者过半数同意。
MEETINGS = [
    ("adults: exactly half present", "assembly", "resident", 100, [agree(50)], "no_quorum"),
    ("adults: half + 1", "assembly", "resident", 100, [agree(26), against(25)], "passed"),
    ("adults: tie", "assembly", "resident", 100, [agree(26), against(26)], "failed"),
    ("adults: abstain", "assembly", "resident", 99, [agree(25), against(24), abstain(1)], "failed"),
    ("households: exactly 2/3", "assembly", "household", 30, [agree(11), against(9)], "passed"),
    ("households: under 2/3", "assembly", "household", 30, [agree(11), against(8)], "no_quorum"),
    ("households: tie", "assembly", "household", 30, [agree(10), against(10)], "failed"),
    ("reps: exactly 2/3", "representatives", "resident", 30, [agree(11), against(9)], "passed"),
    ("reps: under 2/3", "representatives", "resident", 30, [agree(19)], "no_quorum"),
    ("reps: tie", "representatives", "household", 30, [agree(10), against(10)], "failed"),
    ("majority: tie", "majority", "resident", 10, [agree(3), against(3)], "failed"),
    ("majority: one vote", "majority", "resident", 10, [agree(1)], "passed"),
    ("majority: nobody voted", "majority", "household", 10, [], "failed"),
    ("majority: abstain", "majority", "resident", 10, [agree(3), against(2), abstain(1)], "failed"),
    ("majority: abstainers only", "majority", "resident", 10, [abstain(3)], "failed"),
]


@pytest.mark.parametrize(
    ("rule", "basis", "eligible", "options", "outcome"),
    [r[1:] for r in MEETINGS],
    ids=[r[0] for r in MEETINGS],
)
def test_meetings(rule, basis, eligible, options, outcome):
    check(rule, basis, tally(eligible, "0", *options), outcome, 0 if outcome == "passed" else None)


SOLUTIONS_MAJORITY = [
    ("the second solution wins", [("一", 1, "0"), ("二", 4, "0"), ("三", 2, "0")], "passed", 1),
    ("no majority", [("一", 3, "0"), ("二", 3, "0"), ("三", 1, "0")], "failed", None),
    ("abstention is never a solution", [("一", 1, "0"), abstain(5)], "failed", None),
]


@pytest.mark.parametrize(
    ("options", "outcome", "winner"),
    [r[1:] for r in SOLUTIONS_MAJORITY],
    ids=[r[0] for r in SOLUTIONS_MAJORITY],
)
def test_majority_with_several_solutions(options, outcome, winner):
    check("majority", "owner", tally(10, "0", *options), outcome, winner)


RULE_BASES = [
    ("majority", "resident"),
    ("majority", "household"),
    ("majority", "owner"),
    ("assembly", "resident"),
    ("assembly", "household"),
    ("representatives", "resident"),
    ("owners_ordinary", "owner"),
    ("owners_special", "owner"),
]


@pytest.mark.parametrize(("rule", "basis"), RULE_BASES)
def test_empty_electorate_is_no_quorum(rule, basis):
    verdict = decide(rule, tally(0, "0"), basis)
    assert verdict.outcome == "no_quorum"
    assert "为零" in verdict.reason
    assert verdict.lines


def test_owner_electorate_without_area_is_no_quorum():
    verdict = decide("owners_ordinary", tally(10, "0", ("同意", 9, "0")), "owner")
    assert verdict.outcome == "no_quorum"
    assert verdict.reason.startswith("总面积为零")


def test_reason_and_lines_for_an_owner_vote():
    verdict = decide(
        "owners_ordinary",
        tally(
            150, "1800.0", ("同意", 70, "900.0"), ("反对", 40, "300.0"), ("弃权", 10, "34.5", True)
        ),
        "owner",
    )
    assert verdict.outcome == "passed"
    assert verdict.reason == (
        "参与表决的面积和业主人数都达到三分之二以上；"
        "在参与表决的业主中，同意的面积和人数都过半数，表决通过。"
    )
    assert verdict.lines == (
        "参与表决面积 1,234.5㎡ / 总面积 1,800.0㎡ = 68.6% ≥ 2/3",
        "参与表决人数 120 / 业主总人数 150 = 80.0% ≥ 2/3",
        "同意面积 900.0㎡ / 参与表决面积 1,234.5㎡ = 72.9% > 1/2",
        "同意人数 70 / 参与表决人数 120 = 58.3% > 1/2",
    )


def test_reasons_name_what_fell_short():
    short = decide("owners_ordinary", tally(30, "300", ("同意", 19, "250")), "owner")
    assert short.reason == "参与表决的业主人数未达到三分之二以上，不足法定参与比例，表决不成立。"
    assert short.lines[1] == "参与表决人数 19 / 业主总人数 30 = 63.3% < 2/3"
    special = decide(
        "owners_special", tally(100, "1000", ("同意", 60, "599.9"), ("反对", 20, "200.1")), "owner"
    )
    assert "同意的面积未达到四分之三以上，表决未通过。" in special.reason
    tie = decide("majority", tally(10, "0", ("同意", 3, "0"), ("反对", 3, "0")), "resident")
    assert tie.lines == ("同意人数 3 / 参与表决人数 6 = 50.0% ≤ 1/2",)
    assert decide("majority", tally(10, "0"), "resident").reason == "没有人投票，表决未通过。"
    none = decide("majority", tally(10, "0", ("甲", 3, "0"), ("乙", 3, "0")), "resident")
    assert "没有一个方案" in none.reason
    win = decide("assembly", tally(30, "0", ("甲", 15, "0"), ("乙", 5, "0")), "household")
    assert win.reason.endswith("选「甲」的户数过半数，该方案通过。")
    assert win.lines[1:] == (
        "选「甲」的户数 15 / 参与表决户数 20 = 75.0% > 1/2",
        "选「乙」的户数 5 / 参与表决户数 20 = 25.0% ≤ 1/2",
    )


def test_exactly_two_thirds_is_shown_as_met():
    verdict = decide("representatives", tally(30, "0", ("同意", 20, "0")), "resident")
    assert verdict.lines[0] == "到会代表人数 20 / 代表总人数 30 = 66.7% ≥ 2/3"


@pytest.mark.parametrize(
    ("present", "total", "line_end"),
    [
        (2001, 3002, "= 2,001/3,002 ≈ 66.66% < 2/3"),  # rounds to 66.7% like 2/3 itself
        (2000, 3001, "= 66.6% < 2/3"),  # already distinguishable
        (200_001, 300_000, "= 66,667/100,000 ≈ 66.6670% ≥ 2/3"),
    ],
)
def test_rounding_never_makes_the_sign_look_wrong(present, total, line_end):
    verdict = decide("representatives", tally(total, "0", ("同意", present, "0")), "resident")
    assert verdict.lines[0].endswith(line_end)


def test_area_just_under_two_thirds_shows_exact_fraction():
    verdict = decide("owners_ordinary", tally(30, "1800", ("同意", 25, "1199.99")), "owner")
    assert verdict.outcome == "no_quorum"
    assert verdict.lines[0] == (
        "参与表决面积 1,199.99㎡ / 总面积 1,800.0㎡ = 119,999/180,000 ≈ 66.666% < 2/3"
    )
    assert verdict.reason.startswith("参与表决的面积未达到三分之二以上")


def test_only_the_agree_label_agrees():
    # "不同意" marks a yes/no ballot too, so it is never treated as a winning solution,
    # and an option labelled 同意 but flagged as abstention does not agree.
    against_only = decide("majority", tally(5, "0", ("不同意", 3, "0")), "resident")
    assert against_only.outcome == "failed"
    assert against_only.lines == ("同意人数 0 / 参与表决人数 3 = 0.0% ≤ 1/2",)
    odd = decide("majority", tally(5, "0", ("同意", 3, "0", True), ("反对", 1, "0")), "resident")
    assert odd.outcome == "failed"


def test_majority_near_half_shows_exact_fraction():
    verdict = decide(
        "majority", tally(3000, "0", ("同意", 1001, "0"), ("反对", 1000, "0")), "owner"
    )
    assert verdict.lines == ("同意人数 1,001 / 参与表决人数 2,001 = 1,001/2,001 ≈ 50.02% > 1/2",)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1234.5", "1,234.5㎡"),
        ("1234", "1,234.0㎡"),
        ("89.35", "89.35㎡"),
        ("0", "0.0㎡"),
        ("1E+3", "1,000.0㎡"),
        ("1234567.80", "1,234,567.8㎡"),
    ],
)
def test_format_area(value, text):
    assert format_area(D(value)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(2, 3), "66.7%"),
        (Fraction(1, 16), "6.3%"),
        (Fraction(1, 8), "12.5%"),
        (Fraction(0), "0.0%"),
        (Fraction(1), "100.0%"),
        (Fraction(1, 2000), "0.1%"),
        (Fraction(1, 2001), "0.0%"),
    ],
)
def test_format_percent_rounds_half_up(value, text):
    assert format_percent(value) == text


def test_format_fraction():
    assert [format_fraction(Fraction(n, d)) for n, d in [(2, 3), (3, 4), (1, 2)]] == [
        "2/3",
        "3/4",
        "1/2",
    ]
    assert format_fraction(Fraction(2000, 3001)) == "2,000/3,001"


def test_invalid_input_is_refused():
    with pytest.raises(ValueError):
        decide("supermajority", tally(1, "0"), "resident")
    with pytest.raises(ValueError):
        decide("assembly", tally(1, "0"), "owner")
    with pytest.raises(ValueError):
        decide("owners_special", tally(1, "0"), "household")
    with pytest.raises(ValueError):
        decide("majority", tally(1, "0"), "tenant")
    with pytest.raises(ValueError):
        tally(1, "0", ("同意", 2, "0"))
    with pytest.raises(ValueError):
        tally(5, "10", ("同意", 2, "10.01"))
    with pytest.raises(ValueError):
        tally(5, "10", ("同意", -1, "0"))
    with pytest.raises(ValueError):
        tally(5, "10", ("同意", 1, "NaN"))
    with pytest.raises(TypeError):
        OptionCount("同意", 1, 0.5)


def test_integer_areas_are_accepted_as_exact():
    assert OptionCount("同意", 1, 3).area == D(3)
    assert Tally(3, 7, ()).eligible_area == D(7)


# --- exactness -------------------------------------------------------------------------------


def test_rules_module_uses_no_float():
    source = inspect.getsource(rules)
    assert "float(" not in source
    tree = ast.parse(source)
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and type(n.value) is float]


def test_decimal_tenths_add_up_exactly():
    # 0.1 + 0.1 + 0.1 == 0.3 exactly, so full participation is not "more than the total"
    # (in floating point the sum is 0.30000000000000004 > 0.3).
    votes = [("同意", D("0.1"))] * 3
    t = count(3, D("0.3"), votes)
    assert t.cast_area == D("0.1") * 3 == t.eligible_area
    verdict = decide("owners_special", t, "owner")
    assert verdict.outcome == "passed"
    assert verdict.lines[0] == "参与表决面积 0.3㎡ / 总面积 0.3㎡ = 100.0% ≥ 2/3"


def test_exact_half_of_area_is_not_more_than_half():
    # In floating point 0.1 + 0.2 > 0.3 and this vote would wrongly pass.
    groups = owner_groups(
        [
            ("101", ["甲"], D("0.1"), False),
            ("102", ["甲"], D("0.2"), False),
            ("103", ["乙"], D("0"), False),
            ("104", ["丙"], D("0.3"), False),
        ]
    )
    area = {g.key: g.area for g in groups}
    agree = area["101"] + area["103"]
    verdict = decide(
        "owners_ordinary",
        Tally(3, D("0.6"), (OptionCount("同意", 2, agree, "yes"),
                            OptionCount("反对", 1, area["104"], "no"))),
        "owner",
    )
    assert verdict.outcome == "failed"
    assert "同意面积 0.3㎡ / 参与表决面积 0.6㎡ = 50.0% ≤ 1/2" in verdict.lines


# --- owner counting (法释〔2009〕7号第八、九条) --------------------------------------------------


def test_one_owner_with_two_units_is_one_head_with_area_added():
    groups = owner_groups(
        [("1-101", ["张三"], D("88.50"), False), ("1-102", ["张三"], D("90.25"), False)]
    )
    assert len(groups) == 1
    assert groups[0].unit_keys == ("1-101", "1-102")
    assert groups[0].area == D("178.75")
    assert groups[0].owner_keys == frozenset({"张三"})


def test_co_owners_of_one_unit_are_one_head():
    groups = owner_groups([("1-101", ["张三", "李四"], D("88.5"), False)])
    assert [(g.key, g.owner_keys) for g in groups] == [("1-101", frozenset({"张三", "李四"}))]


def test_developer_units_together_are_one_head():
    groups = owner_groups(
        [
            ("1-101", ["张三"], D("80"), False),
            ("1-102", [], D("90.5"), True),
            ("2-201", ["开发商"], D("100.25"), True),
            ("3-301", [], D("60"), True),
        ]
    )
    assert len(groups) == 2
    developer = next(g for g in groups if g.developer)
    assert developer.unit_keys == ("1-102", "2-201", "3-301")
    assert developer.area == D("250.75")


def test_sold_but_undelivered_unit_does_not_join_the_buyers_other_unit():
    groups = owner_groups([("101", ["王五"], D("80"), False), ("102", ["王五"], D("70"), True)])
    assert [(g.unit_keys, g.developer) for g in groups] == [(("101",), False), (("102",), True)]


def test_owners_linked_through_a_shared_unit_form_one_group():
    groups = owner_groups(
        [
            ("u1", ["A"], D("1.1"), False),
            ("u2", ["A", "B"], D("2.2"), False),
            ("u3", ["B"], D("3.3"), False),
            ("u4", ["C"], D("4.4"), False),
        ]
    )
    assert [(g.key, g.unit_keys, g.area) for g in groups] == [
        ("u1", ("u1", "u2", "u3"), D("6.6")),
        ("u4", ("u4",), D("4.4")),
    ]
    assert groups[0].owner_keys == frozenset({"A", "B"})


def test_units_without_owner_count_separately():
    groups = owner_groups([(2, [], D("1"), False), (10, [], D("2"), False)])
    assert [g.key for g in groups] == [10, 2]  # ordered by str(key)


def test_duplicate_unit_is_refused():
    with pytest.raises(ValueError):
        owner_groups([("101", ["甲"], D("1"), False), ("101", ["乙"], D("1"), False)])


UNITS = st.lists(
    st.tuples(
        st.sampled_from("ABCDEFGH"),
        st.decimals(min_value=0, max_value=500, places=2),
        st.booleans(),
    ),
    max_size=12,
)


@PROPERTY
@given(UNITS, st.randoms(use_true_random=False))
def test_owner_groups_partition_units_whatever_the_order(owners, rnd):
    units = [(f"u{i}", owners_, area, dev) for i, (owners_, area, dev) in enumerate(owners)]
    groups = owner_groups(units)
    shuffled = units[:]
    rnd.shuffle(shuffled)
    assert owner_groups(shuffled) == groups
    assert sorted(u for g in groups for u in g.unit_keys) == sorted(u[0] for u in units)
    assert sum((g.area for g in groups), D(0)) == sum((u[2] for u in units), D(0))
    assert sum(g.developer for g in groups) == (1 if any(u[3] for u in units) else 0)
    for owner in "ABCDEFGH":
        assert sum(owner in g.owner_keys for g in groups) <= 1


# --- properties of the rules -----------------------------------------------------------------

RANK = {"no_quorum": 0, "failed": 1, "passed": 2}
SOLUTIONS = ["方案一", "方案二", "方案三", "方案四"]
AREAS = st.one_of(st.just(D(0)), st.decimals(min_value=0, max_value=300, places=2))


@st.composite
def ballots(draw):
    """(rule, basis, eligible heads, eligible area, individual votes as (label, area))."""
    rule, basis = draw(st.sampled_from(RULE_BASES))
    if draw(st.booleans()):
        labels = ["同意", "反对"]
    else:
        labels = draw(st.lists(st.sampled_from(SOLUTIONS), min_size=1, max_size=4, unique=True))
    eligible = draw(st.integers(0, 24))
    present = draw(st.integers(0, eligible))
    owner = basis == "owner"
    # Lean towards the first label (同意, or one solution) so that passing tallies are common.
    choices = [labels[0]] * draw(st.integers(0, 6)) + [*labels, "弃权"]
    votes = [
        (draw(st.sampled_from(choices)), draw(AREAS) if owner else D(0)) for _ in range(present)
    ]
    extra = draw(AREAS) if owner else D(0)
    return rule, basis, eligible, sum((a for _, a in votes), extra), votes, labels


def count(eligible, area, votes):
    """Aggregate individual votes into a Tally, options in order of first appearance."""
    options: dict[str, list] = {}
    for label, a in votes:
        entry = options.setdefault(label, [0, D(0)])
        entry[0] += 1
        entry[1] += a
    return Tally(
        eligible, area, tuple(OptionCount(k, h, a, kind(k)) for k, (h, a) in options.items())
    )


def winner_label(verdict, tally_):
    return None if verdict.winner is None else tally_.options[verdict.winner].label


def oracle(rule, basis, t):
    """Independent restatement of the table in the brief, straight from Fractions."""
    owners = rule.startswith("owners")
    if t.eligible_heads == 0 or (owners and t.eligible_area == 0):
        return "no_quorum", None
    heads = Fraction(t.cast_heads, t.eligible_heads)
    area = Fraction(t.cast_area) / Fraction(t.eligible_area) if owners else None
    quorum = {
        "majority": True,
        "assembly": heads > Fraction(1, 2) if basis == "resident" else heads >= Fraction(2, 3),
        "representatives": heads >= Fraction(2, 3),
    }.get(rule, owners and min(heads, area) >= Fraction(2, 3))
    if not quorum:
        return "no_quorum", None
    labels = {o.label for o in t.options}
    yes_no = bool(labels & {"同意", "反对"})
    for o in t.options:
        if o.abstain or (yes_no and o.label != "同意"):
            continue
        shares = [Fraction(o.heads, t.cast_heads)]
        if owners:
            shares.append(Fraction(o.area) / Fraction(t.cast_area))
        if all(
            s >= Fraction(3, 4) if rule == "owners_special" else s > Fraction(1, 2) for s in shares
        ):
            return "passed", o.label
    return "failed", None


@PROPERTY
@given(ballots())
@example(("owners_special", "owner", 0, D(0), [], ["同意", "反对"]))
@example(("majority", "resident", 3, D(0), [], ["方案一"]))
def test_every_valid_tally_gets_a_verdict_matching_the_table(ballot):
    rule, basis, eligible, area, votes, _ = ballot
    t = count(eligible, area, votes)
    verdict = decide(rule, t, basis)
    assert (verdict.outcome, winner_label(verdict, t)) == oracle(rule, basis, t)
    assert isinstance(verdict.reason, str) and verdict.reason
    assert verdict.lines and all(isinstance(line, str) and line for line in verdict.lines)
    assert (verdict.winner is None) == (verdict.outcome != "passed")


@PROPERTY
@given(ballots(), st.randoms(use_true_random=False))
def test_verdict_does_not_depend_on_the_order_of_votes(ballot, rnd: random.Random):
    rule, basis, eligible, area, votes, _ = ballot
    shuffled = votes[:]
    rnd.shuffle(shuffled)
    first, second = count(eligible, area, votes), count(eligible, area, shuffled)
    one, two = decide(rule, first, basis), decide(rule, second, basis)
    assert (one.outcome, winner_label(one, first)) == (two.outcome, winner_label(two, second))
    assert one.reason == two.reason
    assert sorted(one.lines) == sorted(two.lines)


@PROPERTY
@given(ballots(), st.data())
def test_one_more_agreeing_voter_never_hurts(ballot, data):
    rule, basis, eligible, area, votes, labels = ballot
    t = count(eligible, area, votes)
    if t.cast_heads >= eligible:
        return
    before = decide(rule, t, basis)
    if before.outcome == "passed":
        target = winner_label(before, t)
    else:
        target = "同意" if "同意" in labels else data.draw(st.sampled_from(labels))
    room = area - t.cast_area
    added = data.draw(st.decimals(min_value=0, max_value=room, places=2)) if room else D(0)
    after_tally = count(eligible, area, [*votes, (target, added)])
    after = decide(rule, after_tally, basis)
    assert RANK[after.outcome] >= RANK[before.outcome]
    if before.outcome == "passed":
        assert winner_label(after, after_tally) == target


@pytest.mark.parametrize(("labels", "yes_no"), [
    (["同意", "反对", "弃权"], True),
    (["同意", "弃权"], True),
    (["不同意", "弃权"], True),
    (["装在楼下", "装在楼顶", "弃权"], False),
])
def test_a_ballot_is_yes_no_when_it_offers_agree_or_oppose(labels, yes_no):
    kinds = [k for _, k in option_kinds(labels)]
    assert kinds == [kind(label) for label in labels]
    assert rules.is_yes_no(kinds) is yes_no


def test_the_counting_reads_the_stored_kind_not_the_words():
    """An option worded 同意 but stored as one solution among others is not 'agree'."""
    t = Tally(10, D(0), (OptionCount("同意", 6, 0, "choice"), OptionCount("另选地点", 1, 0)))
    verdict = decide("majority", t, "resident")
    assert verdict.outcome == "passed" and verdict.winner == 0
    assert "选「同意」的" in verdict.reason
    with pytest.raises(ValueError):
        OptionCount("同意", 1, 0, "agree")
