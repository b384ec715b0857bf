"""The house rules that import-linter cannot check: small modules, short functions.

No module of ours over 400 lines (migrations aside), and no function over 60 lines
unless its docstring says why it is long ("Long because ...").
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = ("portal", "plumbing", "customers", "feedback", "trust", "desk", "api", "lab", "tests")
MODULE_LINES = 400
FUNCTION_LINES = 60
REASON = "Long because"


def _modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        if (ROOT / package).is_dir()
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_the_house_has_its_packages_to_check() -> None:
    assert len(_modules()) > 200


def test_no_module_is_over_400_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := path.read_text().count("\n")) > MODULE_LINES
    }
    assert too_long == {}


def test_no_function_is_over_60_lines_unless_its_docstring_says_why() -> None:
    too_long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > FUNCTION_LINES and REASON not in (ast.get_docstring(node) or ""):
                too_long[f"{path.relative_to(ROOT)}:{node.name}"] = lines
    assert too_long == {}
