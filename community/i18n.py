"""Language choice: Simplified Chinese by default; English for maintainers (?lang=en)."""

from flask import request, session


def select_locale() -> str:
    """Pick the locale: an explicit ?lang, then the session, then Chinese."""
    lang = request.args.get("lang")
    if lang in ("zh_Hans_CN", "en"):
        session["lang"] = lang
    return session.get("lang", "zh_Hans_CN")
