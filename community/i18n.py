"""Language choice: Simplified Chinese by default; English for maintainers (?lang=en).

Every `_()`/`_l()` — Python (`from ..i18n import gettext as _, lazy_gettext as _l`) and
templates — translates through the request's catalogue found once per request: Flask-Babel's
own gettext looks up the domain, the locale and the catalogue again for every string
(≈ 13 µs here), and a page shows dozens of marked strings (labels, choices, form fields)."""

from flask import g, has_app_context, has_request_context, request, session
from flask_babel import get_translations
from flask_babel.speaklater import LazyString

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


def gettext(string: str, **variables) -> str:
    """Translate, then fill in %(name)s variables (as flask_babel.gettext does)."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The singular or plural form for num, with %(num)d filled in (as Flask-Babel's)."""
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """A string translated when it is shown (labels defined at import, form classes)."""
    return LazyString(gettext, string, **variables)


def install(app) -> None:
    """Use the per-request catalogue for {{ _("…") }} in templates (after Babel's init_app,
    which installs its own)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True)
