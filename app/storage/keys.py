"""The terminal's database key: 32 random bytes, made once per database, never stored beside
the data in the clear.

- Windows: wrapped with DPAPI (CryptProtectData, the logged-in service user's OS secret) and
  kept in the user's config folder — a copied disk or data folder cannot unwrap it.
- Linux (信创 desktops, these test machines): a key file readable only by this OS user (0600,
  folder 0700) in the user's config folder, not in the data folder; `CLERKDESK_KEY_DIR` moves it
  (e.g. to a separately mounted volume).

Threat model (README, Security): a stolen disk image or a copied data folder, database, WAL or
backup is unreadable; an OS administrator logged in as the service user is out of scope.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import secrets
import sys
from pathlib import Path

from platformdirs import user_config_dir

from app.errors import StorageError

ENV_KEY_DIR = "CLERKDESK_KEY_DIR"
KEY_BYTES = 32


def key_dir() -> Path:
    return Path(os.environ.get(ENV_KEY_DIR) or Path(user_config_dir("ClerkDesk", appauthor=False)) / "keys")


def key_path(database: Path) -> Path:
    """One key per database, named by the database's absolute path (not its content)."""
    tag = hashlib.sha256(str(database.resolve()).encode("utf-8")).hexdigest()[:24]
    return key_dir() / f"{tag}.key"


def _protect(raw: bytes) -> bytes:
    """DPAPI on Windows; elsewhere the file's permissions are the protection."""
    if sys.platform != "win32":
        return raw
    return _dpapi(raw, protect=True)


def _unprotect(stored: bytes) -> bytes:
    if sys.platform != "win32":
        return stored
    return _dpapi(stored, protect=False)


def _dpapi(data: bytes, protect: bool) -> bytes:  # pragma: no cover — Windows only, untested here
    from ctypes import wintypes

    class Blob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    buf = ctypes.create_string_buffer(data, len(data))
    src, out = Blob(len(data), buf), Blob()
    crypt32, kernel32 = ctypes.windll.crypt32, ctypes.windll.kernel32
    fn = crypt32.CryptProtectData if protect else crypt32.CryptUnprotectData
    if not fn(ctypes.byref(src), None, None, None, None, 0, ctypes.byref(out)):
        raise StorageError("STORAGE_KEY_UNWRAP", "无法用本机系统凭据解开数据库密钥（DPAPI）。请用安装时的系统账号登录。")
    try:
        return ctypes.string_at(out.pbData, out.cbData)
    finally:
        kernel32.LocalFree(out.pbData)


def database_key(database: Path, create: bool) -> bytes:
    """The key of `database`; made (and stored) only when the database is new (`create`)."""
    path = key_path(database)
    if path.exists():
        raw = _unprotect(path.read_bytes())
        if len(raw) != KEY_BYTES:
            raise StorageError("STORAGE_KEY_BROKEN", f"数据库密钥文件已损坏（{path}）。请联系信息中心用备份恢复。")
        return raw
    if not create:
        raise StorageError("STORAGE_KEY_MISSING",
                           "本机没有这个数据库的密钥：数据是加密的，拷贝到别的电脑或换了系统账号都打不开。"
                           "请在原电脑上用原账号打开，或请信息中心用备份恢复。", str(path))
    raw = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    # Written 0600 from the first byte (no window in which another user could read it).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(_protect(raw))
        f.flush()
        os.fsync(f.fileno())
    return raw


def pragma_key(key: bytes) -> str:
    """SQLCipher's raw-key form: no passphrase derivation on every connection."""
    return f"PRAGMA key = \"x'{key.hex()}'\""
