"""The sandbox's side of audit checkpoints over real HTTP: it verifies the terminal's signature,
holds each terminal to the last checkpoint it confirmed, and countersigns a receipt."""

from __future__ import annotations

import hashlib

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from sync.contract import PATH_AUDIT_CHECKPOINTS, PATH_TERMINAL_KEY, checkpoint_text, receipt_text
from tests.sandbox_support import ENROLMENT_CODE


def h(n: int, salt: str = "") -> str:
    return hashlib.sha256(f"record {n}{salt}".encode()).hexdigest()


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


class KeyedTerminal:
    def __init__(self, sandbox, terminal_id: str, key: Ed25519PrivateKey | None = None, send_key: bool = True):  # noqa: ANN001
        self.url, self.terminal_id = sandbox.url, terminal_id
        self.key = key or Ed25519PrivateKey.generate()
        body = {"terminal_id": terminal_id, "area_code": "620321", "name": "测试终端", "enrolment_code": ENROLMENT_CODE,
                "public_key": public_hex(self.key) if send_key else ""}
        r = requests.post(self.url + "/api/v1/terminals/register", json=body, timeout=10)
        assert r.status_code == 200, r.text
        self.token, self.platform_key = r.json()["token"], r.json()["platform_key"]

    def checkpoint(self, seq: int, head: str, anchor_seq: int = 0, anchor_hash: str = "", *,
                   signer: Ed25519PrivateKey | None = None, terminal_id: str | None = None) -> requests.Response:
        tid = terminal_id or self.terminal_id
        signed_at = "2026-11-20T10:00:00+08:00"
        sig = (signer or self.key).sign(checkpoint_text(tid, seq, head, anchor_seq, anchor_hash, signed_at)).hex()
        body = {"terminal_id": tid, "seq": seq, "head_hash": head, "anchor_seq": anchor_seq, "anchor_hash": anchor_hash,
                "signed_at": signed_at, "signature": sig}
        return requests.post(self.url + PATH_AUDIT_CHECKPOINTS, json=body, headers=self.headers, timeout=10)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def refused(r: requests.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])  # a sentence in Chinese


@pytest.fixture
def t1(sandbox) -> KeyedTerminal:  # noqa: ANN001
    return KeyedTerminal(sandbox, "T-AUDIT-01")


def test_a_checkpoint_gets_a_receipt_countersigned_with_the_platform_key(t1) -> None:
    r = t1.checkpoint(10, h(10))
    assert r.status_code == 200, r.text
    rc = r.json()
    assert (rc["terminal_id"], rc["seq"], rc["head_hash"]) == ("T-AUDIT-01", 10, h(10))
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(t1.platform_key)).verify(
        bytes.fromhex(rc["platform_signature"]), receipt_text("T-AUDIT-01", 10, h(10), rc["confirmed_at"]))
    # The same checkpoint again (an answer lost on the way): the same receipt, not a second one.
    assert t1.checkpoint(10, h(10), 10, h(10)).json() == rc
    assert requests.get(t1.url + PATH_AUDIT_CHECKPOINTS, headers=t1.headers, timeout=10).json() == rc
    # Extending it is fine.
    assert t1.checkpoint(15, h(15), 10, h(10)).status_code == 200


def test_a_badly_signed_checkpoint_is_refused(t1) -> None:
    refused(t1.checkpoint(10, h(10), signer=Ed25519PrivateKey.generate()), 403, "CHECKPOINT_SIGNATURE_INVALID")
    # A signature over other numbers than those sent is no better.
    r = t1.checkpoint(10, h(10))
    assert r.status_code == 200
    body = {"terminal_id": t1.terminal_id, "seq": 11, "head_hash": h(11), "anchor_seq": 10, "anchor_hash": h(10),
            "signed_at": "2026-11-20T10:00:00+08:00",
            "signature": t1.key.sign(checkpoint_text(t1.terminal_id, 12, h(11), 10, h(10), "2026-11-20T10:00:00+08:00")).hex()}
    refused(requests.post(t1.url + PATH_AUDIT_CHECKPOINTS, json=body, headers=t1.headers, timeout=10),
            403, "CHECKPOINT_SIGNATURE_INVALID")


@pytest.mark.parametrize("seq, head, anchor_seq, anchor_hash, code", [
    (9, h(9), 10, h(10), "AUDIT_CHAIN_TRUNCATED"),  # fewer records than confirmed
    (20, h(20), 10, h(10, "edited"), "AUDIT_CHAIN_REWRITTEN"),  # the confirmed record changed, the rest re-hashed
    (10, h(10, "edited"), 10, h(10, "edited"), "AUDIT_CHAIN_REWRITTEN"),  # same seq, other hash
    (20, h(20), 10, "", "AUDIT_CHAIN_REWRITTEN"),  # the confirmed record is gone
    (20, h(20), 0, "", "CHECKPOINT_ANCHOR_STALE"),  # not anchored on the last confirmation
], ids=["truncated", "rewritten", "same-seq-other-hash", "anchor-record-gone", "stale-anchor"])
def test_a_checkpoint_that_does_not_extend_the_last_is_refused(t1, seq, head, anchor_seq, anchor_hash, code) -> None:
    assert t1.checkpoint(10, h(10)).status_code == 200
    refused(t1.checkpoint(seq, head, anchor_seq, anchor_hash), 409, code)
    # Refused means not kept: the platform still holds the chain to seq 10.
    assert requests.get(t1.url + PATH_AUDIT_CHECKPOINTS, headers=t1.headers, timeout=10).json()["seq"] == 10


def test_a_checkpoint_for_another_terminal_or_with_its_key_is_refused(sandbox, t1) -> None:  # noqa: ANN001
    t2 = KeyedTerminal(sandbox, "T-AUDIT-02")
    # t2's token, claiming to be t1, signed with t1's (copied) key.
    refused(t2.checkpoint(5, h(5), terminal_id="T-AUDIT-01", signer=t1.key), 403, "CHECKPOINT_TERMINAL_MISMATCH")
    # t2's token and id, signed with t1's key: not t2's registered key.
    refused(t2.checkpoint(5, h(5), signer=t1.key), 403, "CHECKPOINT_SIGNATURE_INVALID")
    # Nor may t2 register t1's key as its own.
    r = requests.put(sandbox.url + PATH_TERMINAL_KEY, json={"public_key": public_hex(t1.key)}, headers=t2.headers, timeout=10)
    refused(r, 409, "TERMINAL_KEY_CONFLICT")


def test_a_terminal_without_a_key_registers_one_once_with_its_token(sandbox) -> None:  # noqa: ANN001
    old = KeyedTerminal(sandbox, "T-AUDIT-OLD", send_key=False)
    refused(old.checkpoint(3, h(3)), 409, "TERMINAL_KEY_MISSING")
    r = requests.put(sandbox.url + PATH_TERMINAL_KEY, json={"public_key": public_hex(old.key)}, timeout=10)
    refused(r, 401, "TOKEN_MISSING")  # only the terminal itself, by its bearer token
    r = requests.put(sandbox.url + PATH_TERMINAL_KEY, json={"public_key": public_hex(old.key)}, headers=old.headers, timeout=10)
    assert r.status_code == 200 and r.json()["platform_key"] == old.platform_key
    assert old.checkpoint(3, h(3)).status_code == 200
    # A second, different key would let whoever holds the token re-sign a rewritten chain: refused.
    other = public_hex(Ed25519PrivateKey.generate())
    refused(requests.put(sandbox.url + PATH_TERMINAL_KEY, json={"public_key": other}, headers=old.headers, timeout=10),
            409, "TERMINAL_KEY_CONFLICT")


def test_the_platform_keeps_its_key_and_the_history_across_a_restart(sandbox, t1) -> None:  # noqa: ANN001
    assert t1.checkpoint(10, h(10)).status_code == 200
    sandbox.restart()
    refused(t1.checkpoint(9, h(9), 10, h(10)), 409, "AUDIT_CHAIN_TRUNCATED")
    rc = t1.checkpoint(12, h(12), 10, h(10)).json()
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(t1.platform_key)).verify(
        bytes.fromhex(rc["platform_signature"]), receipt_text(t1.terminal_id, 12, h(12), rc["confirmed_at"]))
