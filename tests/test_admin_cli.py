"""clerkdesk-admin as an admin runs it: a real subprocess with --data-dir."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from app.bootstrap import start_terminal
from app.config import Paths
from app.usecases.setup import DEMO_PASSWORD
from tests.helpers import ROOT, run_admin


def demo_terminal(data: Path) -> Path:
    start_terminal(Paths(data)).close()  # as the window's first start makes it: admin01 administers it
    return data


def test_due_date_across_national_day_2025() -> None:
    out = run_admin(["due-date", "--from", "2025-09-30", "--days", "5"])  # no password: touches no stored data
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "2025-10-14"


def test_due_date_into_a_year_without_official_calendar_is_unconfirmed() -> None:
    out = run_admin(["due-date", "--from", "2099-06-01", "--days", "5"])
    assert out.returncode == 0
    assert out.stdout.startswith("2099-06-08") and "unconfirmed" in out.stdout


def test_due_date_uses_a_platform_calendar_file(tmp_path: Path) -> None:
    cal = {"schema": "clerkdesk.calendar/v1", "year": 2099, "holidays": ["2099-06-02", "2099-06-03"], "workdays": []}
    f = tmp_path / "2099.json"
    f.write_text(json.dumps(cal), encoding="utf-8")
    out = run_admin(["due-date", "--from", "2099-06-01", "--days", "5", "--calendar", str(f)])
    assert out.stdout.strip() == "2099-06-10"


def test_bad_date_gives_a_chinese_message_and_code() -> None:
    out = run_admin(["due-date", "--from", "2025-13-01", "--days", "5"])
    assert out.returncode == 2 and "DATE_FORMAT" in out.stderr


def test_import_catalog_and_verify_audit_on_own_data_dir(tmp_path: Path) -> None:
    catalog = json.loads((ROOT / "resources/catalog/demo_catalog.json").read_text(encoding="utf-8"))
    item = catalog["items"][0]
    item["revision"] += 1
    item["status"], item["status_reason"], item["status_since"] = "suspended", "业务系统升级改造", "2026-11-21"
    f = tmp_path / "update.json"
    f.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    data = demo_terminal(tmp_path / "terminal")
    out = run_admin(["import-catalog", str(f)], data, DEMO_PASSWORD)
    assert out.returncode == 0, out.stderr
    assert "更新 1" in out.stdout
    # The env variable points at the same terminal.
    ok = run_admin(["verify-audit"], password=DEMO_PASSWORD, env={"CLERKDESK_DATA_DIR": str(data)})
    assert ok.returncode == 0 and "审计链完整" in ok.stdout
    from tests.helpers import terminal_engine

    engine = terminal_engine(data / "clerkdesk.db")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT status FROM service_items WHERE implementation_code = :c"),
                            {"c": item["implementation_code"]}).scalar() == "suspended"
        conn.execute(text("UPDATE audit_records SET actor = 'intruder' WHERE seq = 3"))
    engine.dispose()
    bad = run_admin(["verify-audit"], data, DEMO_PASSWORD)
    assert bad.returncode == 1 and "记录 3" in bad.stdout


def test_broken_catalog_file_is_refused_with_a_message(tmp_path: Path) -> None:
    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"schema": "clerkdesk.catalog/v1", "items": [{"name": "缺字段的事项"}]}), encoding="utf-8")
    out = run_admin(["import-catalog", str(f)], demo_terminal(tmp_path / "t"), DEMO_PASSWORD)
    assert out.returncode == 2 and "CATALOG_INVALID" in out.stderr and "缺字段的事项" in out.stderr
