"""The marking rule (docs/HACKING.md): every piece of Chinese a person reads is marked for
translation — in templates here, in Python in test_i18n_python.py — and the English catalogue
for maintainers has every marked message, with the same placeholders."""

import pathlib
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "community/translations/en/LC_MESSAGES/messages.po"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# What is marked, and comments, which nobody reads: blanked before looking for Chinese.
MARKED = [re.compile(r"\{#.*?#\}", re.S),
          re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.S),
          re.compile(r"""\b_\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""", re.S)]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%\(\w+\)\.\d+f")


def unmarked(text: str) -> list[str]:
    for rx in MARKED:
        text = rx.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return [f"{n}: {line.strip()[:80]}" for n, line in enumerate(text.splitlines(), 1)
            if CJK.search(line)]


def test_the_checker_finds_unmarked_text():
    assert unmarked('<p>{{ _("投票") }}</p>{# 注释 #}') == []
    assert unmarked("<p>投票</p>") == ["1: <p>投票</p>"]
    assert unmarked('{{ "同意" if x else _("反对") }}') != []


def test_every_template_string_is_marked():
    found = {}
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".xml") and (lines := unmarked(path.read_text())):
            found[str(path.relative_to(ROOT))] = lines
    assert not found, f"Chinese outside _() or {{% trans %}}: {found}"


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[str]]:
    """Every marked message in the code and templates, as `make i18n` extracts them."""
    method_map = [("community/**.py", "python"), ("templates/**.html", "jinja2"),
                  ("templates/**.xml", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None,
                "_l": None}
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=keywords):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def test_the_english_catalogue_has_every_marked_message(extracted):
    with CATALOGUE.open("rb") as f:
        catalogue = {m.id if isinstance(m.id, str) else m.id[0]: m for m in read_po(f) if m.id}
    missing = {m: where for m, where in extracted.items()
               if m not in catalogue or not catalogue[m].string or catalogue[m].fuzzy}
    assert not missing, f"run `make i18n` and translate: {dict(list(missing.items())[:20])}"


def test_translations_keep_the_placeholders():
    with CATALOGUE.open("rb") as f:
        wrong = [m.id for m in read_po(f) if m.id and isinstance(m.id, str) and m.string
                 and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))]
    assert not wrong
