"""Every Chinese string a person reads is marked for the catalogue (issue 18 §6).

The rule: a string a person reads on a page, in a notice, an SMS, an export or an API error
is marked: `_()` inside functions (request time), `_l()` at module level and in form class
bodies. Not marked, because it is data rather than words of the application:
- demo and seed data (`community/demo/`, `*/demo.py`) and `community/ops/` (generated cities,
  backups): made-up residents' own words, like any resident's;
- CLI output for operators (`*/cli.py`): read in a terminal, not by residents;
- docstrings;
- a line ending in `# i18n: data`: text stored as a row's own data (an issue filed on a
  resident's behalf, an elector's label, default option texts the counting reads) or a
  pattern that reads what people type (dates like 2026年5月1日, 是/否 in a roster).
"""

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "community"
CJK = re.compile(r"[\u4e00-\u9fff]")
MARKERS = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext"}
PRAGMA = "# i18n: data"


def exempt(path: Path) -> bool:
    rel = path.relative_to(ROOT).as_posix()
    return (rel.startswith(("demo/", "ops/")) or path.name in ("demo.py", "cli.py"))


def data_lines(source: str) -> set[int]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {t.start[0] for t in tokens if t.type == tokenize.COMMENT and PRAGMA in t.string}


def unmarked(path: Path, root: Path = ROOT) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in MARKERS:
            skip.update(id(n) for arg in node.args for n in ast.walk(arg))
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant):
            skip.add(id(node.body[0].value))
    data = data_lines(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and CJK.search(node.value) and id(node) not in skip \
                and not data & set(range(node.lineno, (node.end_lineno or node.lineno) + 1)):
            found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {node.value!r}")
    return found


def test_every_chinese_string_in_python_is_marked_or_data():
    modules = [p for p in sorted(ROOT.rglob("*.py")) if not exempt(p)]
    assert len(modules) > 100  # the walk found the package
    found = [line for p in modules for line in unmarked(p)]
    assert not found, "wrap in _() / _l(), or end the line with '# i18n: data':\n" \
        + "\n".join(found)


def test_the_checker_sees_an_unmarked_string(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""文档。"""\nA = _l("已标记")\nB = "未标记"\nC = "数据"  # i18n: data\n'
                      'D = f"{A}次"\n', encoding="utf-8")
    assert [line.split(": ", 1)[1] for line in unmarked(sample, tmp_path)] == ["'未标记'", "'次'"]
