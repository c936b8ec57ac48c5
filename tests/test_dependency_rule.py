"""DESIGN.md §3: app imports no ui, sync, printing, sandbox, devices, PySide6, requests;
printing, sync and devices import no ui."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "app": {"ui", "sync", "printing", "sandbox", "devices", "PySide6", "requests"},
    "printing": {"ui", "sandbox", "devices"},
    "sync": {"ui", "sandbox", "devices"},
    # Device drivers and simulators: results reach the UI as signals, never the other way.
    "devices": {"ui", "sandbox", "sync", "printing", "sqlalchemy"},
    # The UI calls use cases and renders what they return; it never touches SQL.
    "ui": {"sqlalchemy", "sqlite3", "alembic", "sandbox"},
    # The platform reimplementation shares only the contract with the client (see below).
    "sandbox": {"app", "ui", "printing", "devices", "benchmarks", "PySide6", "requests"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_dependency_rule(package: str) -> None:
    files = list((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no Python files to check"
    offenders = {
        str(f.relative_to(ROOT)): sorted(imported_roots(f) & FORBIDDEN[package])
        for f in files
        if imported_roots(f) & FORBIDDEN[package]
    }
    assert offenders == {}


def test_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport requests.adapters\n", encoding="utf-8")
    assert imported_roots(bad) >= {"PySide6", "requests"}


def imported_modules(path: Path) -> set[str]:
    """Full dotted names imported (`from sync import contract` counts as sync.contract)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {f"{node.module}.{alias.name}" if node.module == "sync" else node.module for alias in node.names}
    return names


def test_sandbox_shares_only_the_contract_with_the_client() -> None:
    offenders = {
        str(f.relative_to(ROOT)): bad
        for f in (ROOT / "sandbox").rglob("*.py")
        if (bad := sorted(m for m in imported_modules(f)
                          if m.split(".")[0] == "sync" and m != "sync.contract" and not m.startswith("sync.contract.")))
    }
    assert offenders == {}


def test_contract_imports_nothing_of_either_side() -> None:
    modules = sorted((ROOT / "sync" / "contract").glob("*.py"))
    assert len(modules) > 1  # the package, not a file that moved away
    for module in modules:
        assert imported_roots(module) & {"app", "ui", "sandbox", "requests", "fastapi", "sqlalchemy"} == set(), module.name


def test_sandbox_checker_sees_a_client_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sync import contract\nfrom sync.http import PlatformHttp\n", encoding="utf-8")
    assert imported_modules(bad) == {"sync.contract", "sync.http"}


# The UI shows what the rules decided and calls none of them: from app.rules it takes types,
# labels and constants, and these formatters of what it displays.
UI_DISPLAY_HELPERS = {"display_case_number", "mask_id_number", "mask_personal_data"}


def rule_names(path: Path) -> set[tuple[str, str]]:
    """(module, name) of every `from app.rules.… import name` in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {(node.module, alias.name) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app.rules")
            for alias in node.names}


def rule_functions(path: Path) -> list[str]:
    return sorted(f"{module}.{name}" for module, name in rule_names(path)
                  if inspect.isfunction(getattr(importlib.import_module(module), name)) and name not in UI_DISPLAY_HELPERS)


def test_ui_calls_no_rule_function() -> None:
    files = list((ROOT / "ui").rglob("*.py"))
    assert any(rule_names(f) for f in files)  # the UI does take rule types and labels
    offenders = {str(f.relative_to(ROOT)): bad for f in files if (bad := rule_functions(f))}
    assert offenders == {}


def test_rule_checker_sees_a_rule_called_from_the_ui(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from app.rules.handover import Mailing, mailing_problems\n"
                   "from app.rules.case_number import display_case_number\n", encoding="utf-8")
    assert rule_functions(bad) == ["app.rules.handover.mailing_problems"]
