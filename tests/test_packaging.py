"""Every package zhreport's code imports is one pyproject.toml asks for: a plain `pip install zhreport`
must not miss a module that the test extra happens to bring (numpy did: the mojibake repair raised
ModuleNotFoundError outside the test environment)."""
import ast
import re
import sys
from importlib import metadata

import pytest

from .conftest import ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11+


def _name(requirement: str) -> str:
    return re.match(r"[A-Za-z0-9._-]+", requirement).group(0).lower().replace("_", "-")


def _imported_modules() -> dict[str, set[str]]:
    """Top-level modules imported anywhere in zhreport/ (absolute imports), with the files importing them."""
    out: dict[str, set[str]] = {}
    for path in (ROOT / "zhreport").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
            for name in names:
                out.setdefault(name.split(".")[0], set()).add(path.name)
    return out


def test_every_imported_package_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    required = {_name(r) for r in project["dependencies"]}
    extras = {_name(r) for extra, reqs in project["optional-dependencies"].items() if extra != "test"
              for r in reqs if not r.startswith("zhreport")}
    distributions = metadata.packages_distributions()
    undeclared = {}
    for module, files in sorted(_imported_modules().items()):
        if module in sys.stdlib_module_names or module in ("zhreport", "__future__"):
            continue
        names = {_name(d) for d in distributions.get(module, [module])}
        if not names & (required | extras):
            undeclared[module] = sorted(files)
    assert undeclared == {}
