"""One word for each thing a resident reads (issue 18 §6): a ballot's verdict is said the same
way on the notice board, the results page and in the voters' notice; each kind of label lives
in one module that has a word for every value of its kind."""

import re
from fractions import Fraction
from html import unescape

import pytest

from community.ballots import labels as ballot_labels
from community.ballots import models as ballot_models
from community.ballots import service as ballots_service
from community.ballots.models import Ballot
from community.channels import CHANNEL_LABELS
from community.evaluations.models import OUTCOME_LABELS as EVALUATION_OUTCOMES
from community.evaluations.service import Tally
from community.evaluations.service import verdict as evaluation_verdict
from community.extensions import db
from community.issues import states
from community.meetings.seats import NEXT_STEPS, OUTCOME_STATUS_LABELS
from community.notify.models import Notice
from community.projects import models as project_models
from community.residents.models import ROLE_LABELS, ROLES
from community.residents.people import APPOINTABLE
from community.residents.people_forms import ROLE_CHOICES
from community.units.models import KIND_LABELS as UNIT_KIND_LABELS
from community.units.models import KINDS as UNIT_KINDS
from tests.ballot_factories import login, make_ballot, vote, worker_of
from tests.factories import make_household, make_resident, make_tree


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("rule", "basis", "choices", "outcome"), [
    ("majority", "resident", ["同意", "同意"], "passed"),
    ("majority", "resident", ["反对", "反对"], "failed"),
    ("assembly", "resident", ["同意"], "no_quorum"),  # 1 of 5 adults took part
])
def test_board_results_page_and_notice_say_the_same_verdict(app, client, rule, basis, choices,
                                                            outcome):
    tree = make_tree()
    people = [make_resident(make_household(tree["b1"], f"1单元{i}01"), name=f"居民{i}")
              for i in range(1, 6)]
    worker = worker_of(tree["community"])
    ballot = make_ballot(tree["compound"], actor=worker, rule=rule, basis=basis)
    ballot.title = "更换单元门禁"
    db.session.commit()
    for person, choice in zip(people, choices, strict=False):
        assert vote(login(app.test_client(), person), ballot, choice).status_code == 303
    assert ballots_service.close_ballot(db.session.get(Ballot, ballot.id), worker)
    word = str(ballot_labels.OUTCOME_LABELS[outcome])

    results = login(app.test_client(), people[0]).get(f"/ballots/{ballot.id}/results")
    said = re.search(r'id="verdict" data-verdict="(\w+)"><strong>([^<]*)</strong>',
                     results.get_data(as_text=True))
    assert said and said.groups() == (outcome, word)

    board = _text(client.get(f"/board/{tree['community'].id}").get_data(as_text=True))
    line = board[board.index("更换单元门禁"):][:200]
    assert re.search(rf"\s{re.escape(word)} · 参与 \d+/5", line), line

    notices = db.session.scalars(db.select(Notice.text).where(
        Notice.resident_id == people[0].id)).all()
    assert any(word in text for text in notices), notices
    others = {str(w) for k, w in ballot_labels.OUTCOME_LABELS.items() if k != outcome}
    assert not any(f"——{w}" in text for text in notices for w in others)


def test_every_value_of_each_kind_has_its_one_word():
    assert set(ballot_labels.OUTCOME_LABELS) == set(ballot_models.OUTCOMES)
    assert set(ballot_labels.STATUS_LABELS) == set(ballot_models.STATUSES)
    assert set(ballot_labels.CHANNEL_LABELS) == set(ballot_models.CHANNELS)
    assert set(states.STATUS_LABELS) == set(states.TRANSITIONS)
    assert all(to in states.STATUS_LABELS for nxt in states.TRANSITIONS.values() for to in nxt)
    assert set(states.API_CHANNELS) <= set(states.CHANNEL_LABELS)
    assert set(ROLE_LABELS) == set(ROLES)
    assert set(UNIT_KIND_LABELS) == set(UNIT_KINDS)
    assert set(NEXT_STEPS) <= set(OUTCOME_STATUS_LABELS)
    decided = {evaluation_verdict(Tally(*t), Fraction(1, 3))
               for t in ((0, 0, 0), (1, 0, 1), (2, 1, 0))}
    assert decided == set(EVALUATION_OUTCOMES)


def test_a_channel_or_role_is_called_the_same_in_every_area():
    for labels in (ballot_labels.CHANNEL_LABELS, states.CHANNEL_LABELS):
        for channel, word in labels.items():
            assert word is CHANNEL_LABELS[channel], channel  # the one word, not a copy
    assert [(c.value, c.label) for c in ROLE_CHOICES] == [
        (r, ROLE_LABELS[r]) for r in APPOINTABLE]
    words = [str(w) for w in CHANNEL_LABELS.values()]
    assert len(words) == len(set(words)), "two channels share a word"


def test_project_labels_cover_their_kinds():
    for name in ("STATUS_LABELS", "TASK_LABELS", "KIND_LABELS", "SOURCE_LABELS", "FUND_LABELS",
                 "MOVEMENT_LABELS"):
        labels = getattr(project_models, name)
        assert labels and all(str(w) for w in labels.values()), name
