"""Language choice: Simplified Chinese by default; English for maintainers (?lang=en)."""

from flask import has_request_context, request, session


def select_locale() -> str | None:
    """Pick the locale: an explicit ?lang, then the session, then Chinese."""
    if not has_request_context():  # CLI commands: the default (Chinese)
        return None
    lang = request.args.get("lang")
    if lang in ("zh_Hans_CN", "en"):
        session["lang"] = lang
    return session.get("lang", "zh_Hans_CN")
