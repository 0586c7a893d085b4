"""Worker journey: 管理 → 外部渠道回调 lists a callback that 12345/宜格服务 never took, and
重新发送 puts it back in the queue (the demo has one given up; each run gives one up again)."""

import pytest

from community.extensions import db
from tests.journeys.conftest import follow, in_db, main_text, press

pytestmark = pytest.mark.browser


def give_one_up(server) -> None:
    """Setup, not the journey: the channel was down for a day."""
    with server.app.app_context():
        delivery = db.session.execute(db.text(
            "SELECT min(id) FROM webhook_delivery")).scalar()
        db.session.execute(db.text("UPDATE webhook_delivery SET status = 'dead' WHERE id = :d"),
                           {"d": delivery})
        db.session.commit()


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_worker_sends_a_given_up_callback_again(open_as, live_server, js):
    give_one_up(live_server)
    dead = in_db(live_server, "SELECT count(*) FROM webhook_delivery WHERE status = 'dead'")
    pending = in_db(live_server, "SELECT count(*) FROM webhook_delivery WHERE status = 'pending'")
    page = open_as("worker", js=js, size="staff")
    follow(page, "管理")
    follow(page, "外部渠道回调", where="main")
    assert f"放弃发送（{dead}个）" in main_text(page)
    press(page, "重新发送")
    assert f"放弃发送（{dead - 1}个）" in main_text(page), main_text(page)
    assert in_db(live_server, "SELECT count(*) FROM webhook_delivery WHERE status = 'pending'"
                 ) == pending + 1
