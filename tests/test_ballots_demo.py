"""The demo ballots: open for the demo resident, a closed 加装电梯 vote, a closed 居民会议."""

from community.ballots import results
from community.ballots.models import Ballot
from community.extensions import db
from tests.ballot_factories import login


def test_demo_ballots(app, demo):
    ballots = {b.title: b for b in db.session.scalars(db.select(Ballot))}
    charging = ballots["船柴一区增设电动自行车集中充电棚"]
    elevator = ballots["2栋2单元加装电梯"]
    meeting = ballots["船柴二区楼道堆放物清理和绿化改造方案（居民会议）"]
    assert charging.status == "open"
    assert (elevator.status, elevator.rule, elevator.entrance) == ("closed", "owners_special",
                                                                  "2单元")
    assert elevator.eligible_heads == 12 and elevator.outcome == "passed"
    verdict = results.verdict_for(elevator)
    assert len(verdict.lines) == 4 and "≥ 3/4" in verdict.lines[-1]
    assert (meeting.status, meeting.rule, meeting.outcome) == ("closed", "assembly", "passed")
    client = login(app.test_client(), demo.logins["resident"])
    home = client.get("/").get_data(as_text=True)
    assert "待投票：船柴一区增设电动自行车集中充电棚" in home
    page = client.get(f"/ballots/{charging.id}").get_data(as_text=True)
    assert 'type="radio"' in page
    assert client.get(f"/ballots/{elevator.id}/results").status_code == 200
    assert 'data-verdict="passed"' in client.get(f"/ballots/{meeting.id}/results").text
