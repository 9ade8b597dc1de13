"""Loaders for the data in ``models/`` (lexicons, unit table, form schemas, rules).

In an installed wheel ``models/`` lives inside the package (``zhreport/models``);
in a source checkout it is the top-level ``models/`` folder. Everything is read
lazily, once, and cached: importing zhreport reads nothing.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import DataError


@lru_cache(maxsize=None)
def models_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "models", here.parent / "models"):
        if (candidate / "SOURCES.md").is_file():
            return candidate
    raise DataError(
        "zhreport's data folder 'models' was not found next to the package; "
        "reinstall zhreport (pip install .) from a complete checkout")


def model_path(*parts: str) -> Path:
    path = models_dir().joinpath(*parts)
    if not path.exists():
        raise DataError(f"missing data file {path}; reinstall zhreport")
    return path


@lru_cache(maxsize=None)
def load_yaml(*parts: str) -> Any:
    import yaml

    path = model_path(*parts)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=loader)
    except yaml.YAMLError as exc:
        raise DataError(f"malformed data file {path}: {exc}") from None


@lru_cache(maxsize=None)
def load_json(*parts: str) -> Any:
    path = model_path(*parts)
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except ValueError as exc:
        raise DataError(f"malformed data file {path}: {exc}") from None


@lru_cache(maxsize=None)
def load_lines(*parts: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a text list."""
    path = model_path(*parts)
    with open(path, encoding="utf-8") as fh:
        return tuple(line.strip() for line in fh
                     if line.strip() and not line.lstrip().startswith("#"))
