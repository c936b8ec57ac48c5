"""Issue 11 part 6: the installable build. `build.spec` is built ONCE per source state (cached
under build/pytest-frozen/<hash of the sources>, so a re-run in the same checkout reuses it)
and its two programs are run as an administrator would: the frozen `clerkdesk-admin`
(due-date, render --sample, terminal, enrol against the real sandbox, import-catalog) and the
frozen window offscreen to its first screen. What this proves for the frozen folder: the
admin commands are all inside without package metadata, and fonts, resources, migrations,
SQLCipher, argon2, chinese_calendar, pypinyin, reportlab and the barcodes work."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "build" / "pytest-frozen"
BUILD_TIMEOUT = 900  # seconds; ~1 min on 2 shared cores, a cold PyInstaller cache takes longer
SOURCES = ("app", "ui", "sync", "printing", "devices", "launchers", "resources")

pytestmark = pytest.mark.timeout(BUILD_TIMEOUT + 300)


def source_hash() -> str:
    """Everything the build is made of: a change anywhere means a new build."""
    import PyInstaller

    h = hashlib.sha256(f"{sys.version}|{PyInstaller.__version__}".encode())
    files = [ROOT / "build.spec", ROOT / "pyproject.toml"]
    for top in SOURCES:
        files += sorted(p for p in (ROOT / top).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def frozen() -> Path:
    """dist/ClerkDesk of this source state, built now or reused."""
    key = source_hash()
    home = CACHE / key
    folder = home / "dist" / "ClerkDesk"
    info = home / "build-info.json"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE.parent / "pytest-frozen.lock", "w") as lock:
        _exclusive(lock)  # parallel workers (xdist) wait for one build instead of making two
        if not info.exists():
            _build(home, folder, info)
    print(f"\nfrozen build {key}: {json.loads(info.read_text())}")  # build time and size, for the report
    return folder


def _exclusive(lock) -> None:  # noqa: ANN001
    try:
        import fcntl
    except ImportError:  # Windows: one pytest process at a time is assumed
        return
    fcntl.flock(lock, fcntl.LOCK_EX)


def _build(home: Path, folder: Path, info: Path) -> None:
    for old in CACHE.glob("*"):  # one build kept: each is ~400 MB
        shutil.rmtree(old, ignore_errors=True)
    home.mkdir(parents=True)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(home / "dist"), "--workpath", str(home / "work"), "build.spec"],
        cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert done.returncode == 0, done.stderr[-4000:]
    seconds = time.monotonic() - started
    shutil.rmtree(home / "work", ignore_errors=True)
    info.write_text(json.dumps({"build_seconds": round(seconds, 1), "folder_bytes": folder_size(folder)}))


def run(exe: Path, *args: str, tmp_path: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # Never the user's own data or keys: a command without --data-dir uses this test's folder.
    env.update(QT_QPA_PLATFORM="offscreen", CLERKDESK_KEY_DIR=str(tmp_path / "keys"),
               CLERKDESK_DATA_DIR=str(tmp_path / "default-data"))
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=tmp_path)  # not the checkout: nothing may be found beside the sources


def admin_exe(frozen: Path) -> Path:
    return frozen / ("clerkdesk-admin.exe" if os.name == "nt" else "clerkdesk-admin")


def window_exe(frozen: Path) -> Path:
    return frozen / ("clerkdesk.exe" if os.name == "nt" else "clerkdesk")


def test_the_launcher_names_every_admin_command_group_of_pyproject():
    """No build needed: the frozen launcher must not forget a command group added later."""
    from launchers.clerkdesk_admin import PLUGINS

    groups = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]
    declared = groups["clerkdesk.admin_commands"]
    assert {name for name, _ in PLUGINS} == set(declared)
    for name, register in PLUGINS:
        assert f"{register.__module__}:{register.__name__}" == declared[name]


def test_the_folder_has_both_programs_and_every_admin_command(frozen, tmp_path):
    from app.admin_cli import build_parser

    assert window_exe(frozen).is_file() and admin_exe(frozen).is_file()
    assert (frozen / "_internal" / "resources" / "fonts" / "uming.ttc").is_file()
    assert list((frozen / "_internal" / "app" / "storage" / "migrations" / "versions").glob("0001_*.py"))
    done = run(admin_exe(frozen), "--help", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    frozen_commands = set(re.search(r"\{([^}]+)\}", done.stdout).group(1).split(","))
    source = build_parser()  # the installed checkout, commands found through its entry points
    expected = set(next(a for a in source._subparsers._group_actions).choices)
    assert frozen_commands == expected
    assert {"due-date", "render", "enrol", "terminal", "sync", "device", "backup", "restore"} <= frozen_commands


def test_frozen_due_date_uses_the_official_calendar(frozen, tmp_path):
    done = run(admin_exe(frozen), "due-date", "--from", "2025-09-30", "--days", "5", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2025-10-14"  # 国庆 1–8 Oct 2025 off, 28 Sep and 11 Oct worked (chinese_calendar)
    data = tmp_path / "pc"
    done = run(admin_exe(frozen), "--data-dir", str(data), "due-date", "--from", "2026-02-13", "--days", "3",
               tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2026-02-25"  # Spring Festival 2026: 15–23 Feb off, 14 and 28 Feb worked
    assert (data / "clerkdesk.db").read_bytes()[:16] != b"SQLite format 3\x00"  # SQLCipher, frozen


@pytest.mark.parametrize("kind, words", [
    ("acceptance", ["受理通知书", "𠮷䶮明", "本机关决定予以受理"]),
    ("mailing-list", ["交寄清单"]),
])
def test_frozen_render_sample_reads_back(frozen, tmp_path, kind, words):
    out = tmp_path / f"{kind}.pdf"
    done = run(admin_exe(frozen), "render", "--sample", kind, "--out", str(out), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for word in words:
        assert word in text, text[:800]
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "UMing" in fonts  # the shipped font, embedded


def test_frozen_terminal_on_a_fresh_data_dir_says_not_enrolled(frozen, tmp_path):
    done = run(admin_exe(frozen), "--data-dir", str(tmp_path / "pc"), "terminal", tmp_path=tmp_path)
    assert done.returncode == 1
    assert "本终端尚未注册" in done.stdout


def test_frozen_window_opens_the_first_run_screen_on_a_fresh_data_dir(frozen, tmp_path):
    done = run(window_exe(frozen), "--data-dir", str(tmp_path / "pc"), "--smoke-test", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "CLERKDESK_FIRST_SCREEN first-run first_run_dialog visible=1" in done.stdout, done.stdout


def test_frozen_admin_enrols_unattended_and_the_window_then_asks_for_login(frozen, tmp_path, sandbox):
    """enrol (requests, argon2 for the administrator, SQLCipher), import-catalog (pypinyin),
    then the window's first screen is the login; the database is readable by the source app."""
    data = tmp_path / "pc"
    password = tmp_path / "admin.pw"
    password.write_text("s3cret-admin-pw\n", encoding="utf-8")
    password.chmod(0o600)  # only its owner may read it, or every command refuses it
    code = sandbox.enrolment_code(hall="河西堡镇便民服务中心", window="代办窗口")
    done = run(admin_exe(frozen), "--data-dir", str(data), "enrol", "--platform", sandbox.url, "--code", code,
               "--admin-password-file", str(password), tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "终端编号 ZWFW-620321-02" in done.stdout and "河西堡镇便民服务中心" in done.stdout
    done = run(admin_exe(frozen), "--data-dir", str(data), "--password-file", str(password), "import-catalog",
               str(ROOT / "resources" / "catalog" / "demo_catalog.json"), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "导入完成" in done.stdout
    done = run(window_exe(frozen), "--data-dir", str(data), "--smoke-test", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "CLERKDESK_FIRST_SCREEN login login_dialog visible=1" in done.stdout, done.stdout

    from app.config import Paths
    from app.context import open_context
    from app.usecases.auth import login
    from app.usecases.catalog import build_index

    os.environ["CLERKDESK_KEY_DIR"], before = str(tmp_path / "keys"), os.environ["CLERKDESK_KEY_DIR"]
    try:
        ctx = open_context(Paths(data))
        try:
            assert ctx.settings.get("terminal_id") == "ZWFW-620321-02"
            assert login(ctx, "admin", "s3cret-admin-pw").username == "admin"  # argon2 hash made frozen
            names = [hit.name for hit in build_index(ctx).search("gtgs")]  # pinyin initials, frozen import
            assert "个体工商户设立登记" in names
        finally:
            ctx.close()
    finally:
        os.environ["CLERKDESK_KEY_DIR"] = before
