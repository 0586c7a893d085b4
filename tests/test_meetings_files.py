"""民事民议: the .ics calendar file and the printed notice's QR code, read back strictly."""

import re
from datetime import datetime

import pytest
import segno

from community.meetings.ics import escape, fold
from tests.test_meetings_setup import make_meeting, make_world

TITLE = "围楼夜话：晾晒难, 停车难; 就医难\\怎么办"
PLACE = "3栋楼下,东门；雨天改在党群服务中心"


@pytest.fixture
def meeting(app):
    w = make_world()
    return make_meeting(w, title=TITLE, place=PLACE,
                        agenda=["晾晒难：楼下装晾衣架", "停车难，夜里乱停车"])


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            nxt = value[i + 1]
            assert nxt in "\\;,nN", f"bad escape \\{nxt}"
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        assert ch not in ",;", f"unescaped {ch!r} in TEXT value {value!r}"
        out.append(ch)
        i += 1
    return "".join(out)


def parse_ics(data: bytes) -> list[dict]:
    """A strict RFC 5545 reader: CRLF lines of at most 75 octets, folding, nesting, and the
    properties every VEVENT must have. Returns the components as {name, props, parent}."""
    assert data.endswith(b"\r\n")
    raw_lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in raw_lines)
    assert all(len(line) <= 75 for line in raw_lines), "a line longer than 75 octets"
    lines: list[str] = []
    for line in raw_lines:
        text = line.decode("utf-8")  # each folded piece is whole UTF-8 on its own
        if text.startswith(" "):
            lines[-1] += text[1:]
        else:
            lines.append(text)
    stack, found = [], []
    for line in lines:
        name, sep, value = line.partition(":")
        assert sep and re.fullmatch(r"[A-Z-]+(;[A-Z-]+=[^:;]+)*", name), line
        if name == "BEGIN":
            stack.append({"name": value, "props": {}})
        elif name == "END":
            assert stack and stack[-1]["name"] == value, f"END:{value} does not close"
            found.append(stack.pop())
        else:
            assert stack, f"{line} outside a component"
            stack[-1]["props"][name.split(";")[0]] = value
    assert not stack
    return found


def test_the_calendar_file_parses_and_says_when_and_where(client, auth, meeting):
    auth.login("13900000001")
    r = client.get(f"/meetings/{meeting.id}.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    assert r.headers["Content-Disposition"] == f'attachment; filename="meeting-{meeting.id}.ics"'
    parts = {c["name"]: c["props"] for c in parse_ics(r.data)}
    cal, event = parts["VCALENDAR"], parts["VEVENT"]
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION"):
        assert prop in event, prop
    assert event["UID"] == f"meeting-{meeting.id}@localhost"
    start = datetime.strptime(event["DTSTART"], "%Y%m%dT%H%M%SZ")
    end = datetime.strptime(event["DTEND"], "%Y%m%dT%H%M%SZ")
    assert (start, end) == (meeting.starts_at, meeting.ends_at)  # UTC, marked Z
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    assert unescape(event["SUMMARY"]) == TITLE
    assert unescape(event["LOCATION"]) == PLACE
    description = unescape(event["DESCRIPTION"])
    assert "1. 晾晒难：楼下装晾衣架\n2. 停车难，夜里乱停车" in description
    assert f"http://localhost/meetings/{meeting.id}" in description
    assert parts["VALARM"]["TRIGGER"] == "-PT1H"


def test_escaping_and_folding_follow_the_rfc():
    assert escape(PLACE) == "3栋楼下\\,东门；雨天改在党群服务中心"
    assert escape("a;b\\c\nd") == "a\\;b\\\\c\\nd"
    long = "SUMMARY:" + "晾" * 60
    folded = fold(long).encode().split(b"\r\n")
    assert all(len(x) <= 75 for x in folded) and len(folded) > 1
    assert b"".join(x[1:] if i else x for i, x in enumerate(folded)).decode() == long


def test_the_calendar_file_is_for_the_unit_only(client, auth, meeting):
    auth.login("13900000004")
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 403


def qr_matrix(svg: str) -> list[list[int]]:
    """Read the QR modules back from segno's SVG path (M/m moves, h runs of dark modules)."""
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    scale = int(re.search(r'transform="scale\((\d+)\)"', svg).group(1))
    d = re.search(r' d="([^"]+)"', svg).group(1)
    size = width // scale
    grid = [[0] * size for _ in range(size)]
    x = y = 0.0
    for op, args in re.findall(r"([MmHh])([^MmHh]*)", d):
        nums = [float(n) for n in args.replace(",", " ").split()]
        if op == "M":
            x, y = nums
        elif op == "m":
            x, y = x + nums[0], y + nums[1]
        else:
            run = nums[0] if op == "h" else nums[0] - x
            for i in range(int(run)):
                grid[int(y)][int(x) + i] = 1
            x += run
    return grid


def notice_svg(client, meeting) -> str:
    html = client.get(f"/meetings/{meeting.id}/notice").get_data(as_text=True)
    assert html.count("<h1>") == 1 and "会议通知" in html and "晾晒难：楼下装晾衣架" in html
    return re.search(r"<svg.*?</svg>", html, re.S).group(0)


def test_the_notice_qr_code_leads_to_the_agenda_page(client, auth, meeting):
    auth.login("13900000001")
    svg = notice_svg(client, meeting)
    assert "style=" not in svg  # the CSP forbids inline styles
    assert 'role="img"' in svg and 'aria-label="扫码查看议程"' in svg
    expected = f"http://localhost/meetings/{meeting.id}"
    grid = qr_matrix(svg)
    border = 4
    inner = [row[border:-border] for row in grid[border:-border]]
    assert inner == [list(r) for r in segno.make(expected, error="m").matrix]
    assert all(not any(row) for row in grid[:border] + grid[-border:])


def test_the_notice_qr_code_decodes(client, auth, meeting):
    zxingcpp = pytest.importorskip("zxingcpp", reason="pip install zxing-cpp (dev requirement)")
    auth.login("13900000001")
    grid = qr_matrix(notice_svg(client, meeting))
    px = 4
    side = len(grid) * px
    pixels = bytearray(b"\xff" * side * side)
    for y, row in enumerate(grid):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(px):
                    start = (y * px + dy) * side + x * px
                    pixels[start:start + px] = b"\x00" * px
    found = zxingcpp.read_barcodes(memoryview(bytes(pixels)).cast("B", (side, side)))
    assert [b.text for b in found] == [f"http://localhost/meetings/{meeting.id}"]
