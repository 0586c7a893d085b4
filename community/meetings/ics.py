"""An iCalendar (RFC 5545) file for one meeting, written by hand: no extra dependency."""

from .. import clock
from .models import Meeting

CRLF = "\r\n"
LIMIT = 75  # octets per line, continuation lines included (RFC 5545 3.1)


def escape(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and line breaks (RFC 5545 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode())
        if size + n > LIMIT:
            parts.append(current)
            current, size = " ", 1  # a continuation line starts with one space
        current += ch
        size += n
    parts.append(current)
    return CRLF.join(parts)


def stamp(dt) -> str:
    """A naive UTC datetime as an iCalendar UTC time (…Z)."""
    return dt.strftime("%Y%m%dT%H%M%SZ")


def calendar(meeting: Meeting, url: str, host: str) -> str:
    """The VCALENDAR text with one VEVENT (and a reminder an hour before)."""
    agenda = "\n".join(f"{n}. {item.title}" for n, item in enumerate(meeting.items, 1))
    description = f"{meeting.body.name}\n{agenda}\n{url}"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Yishiting//Meetings 1.0//ZH",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}@{host}", f"DTSTAMP:{stamp(clock.now())}",
        f"DTSTART:{stamp(meeting.starts_at)}", f"DTEND:{stamp(meeting.ends_at)}",
        f"SUMMARY:{escape(meeting.title)}", f"LOCATION:{escape(meeting.place)}",
        f"DESCRIPTION:{escape(description)}", f"URL:{url}",
        "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT1H", f"DESCRIPTION:{escape(meeting.title)}",
        "END:VALARM", "END:VEVENT", "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines)
