"""Language choice: Simplified Chinese by default; English for maintainers (?lang=en).

Templates translate through the request's catalogue found once per request: Flask-Babel's
own `_` in Jinja looks up the domain, the locale and the catalogue again for every string
(several µs each), and a page marks dozens of strings."""

from flask import g, has_app_context, has_request_context, request, session
from flask_babel import get_translations

LOCALES = ("zh_Hans_CN", "en")


def select_locale() -> str | None:
    """Pick the locale: an explicit ?lang, then the session, then Chinese."""
    if not has_request_context():  # CLI commands: the default (Chinese)
        return None
    lang = request.args.get("lang")
    if lang in LOCALES and session.get("lang") != lang:
        session["lang"] = lang
    return session.get("lang", "zh_Hans_CN")


def catalogue():
    """This request's (or command's) translations, looked up once per app context."""
    if not has_app_context():
        return get_translations()  # Flask-Babel's null catalogue
    found = g.get("_catalogue")
    if found is None:
        found = g._catalogue = get_translations()
    return found


def install(app) -> None:
    """Use the per-request catalogue for {{ _("…") }} in templates (after Babel's init_app,
    which installs its own)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True)
