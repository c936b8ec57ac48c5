"""DESIGN.md §3: app imports no ui, sync, printing, sandbox, devices, PySide6, requests;
printing, sync and devices import no ui."""

from __future__ import annotations

import ast
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
