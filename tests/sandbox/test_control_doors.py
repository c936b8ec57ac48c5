"""Issue 12 #4, the sandbox's doors: its control switches need the token it wrote at start, exist
only in demo, training and test mode, and read files only from its own data dir — with one
answer for every path outside, whether or not the file exists."""

from __future__ import annotations

import json
import stat

import requests

from tests.sandbox_support import CONTROL_TOKEN_FILE, CONTROL_TOKEN_HEADER, ENROLMENT_CODE, ROOT, start_sandbox


def test_control_switches_need_the_token_written_at_start(sandbox_module):
    box = sandbox_module
    token_file = box.data_dir / CONTROL_TOKEN_FILE
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    missing = requests.post(box.url + "/sandbox/faults", json={"maintenance": True}, timeout=5)
    assert missing.status_code == 401
    assert missing.json()["code"] == "CONTROL_TOKEN_MISSING" and CONTROL_TOKEN_HEADER in missing.json()["message"]
    wrong = requests.get(box.url + "/sandbox/stats", headers={CONTROL_TOKEN_HEADER: "guessed"}, timeout=5)
    assert wrong.status_code == 403 and wrong.json()["code"] == "CONTROL_TOKEN_INVALID" and "令牌" in wrong.json()["message"]
    assert box.faults()["faults"]["maintenance"] is False  # the refused switch did nothing
    ok = requests.get(box.url + "/sandbox/stats", headers={CONTROL_TOKEN_HEADER: token_file.read_text()}, timeout=5)
    assert ok.status_code == 200 and "events" in ok.json()


def test_a_production_like_sandbox_has_no_control_switches_and_no_standing_code(tmp_path):
    box = start_sandbox(tmp_path / "platform", mode="production")
    try:
        for method, path in (("GET", "/sandbox/health"), ("GET", "/sandbox/stats"), ("POST", "/sandbox/enrolment-codes"),
                             ("POST", "/sandbox/catalog/load")):
            r = requests.request(method, box.url + path, json={}, timeout=5)
            assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND", path
        assert not (box.data_dir / CONTROL_TOKEN_FILE).exists()
        assert requests.get(box.url + "/api/v1/health", timeout=5).ok  # the contract is served as usual
        r = requests.post(box.url + "/api/v1/terminals/register", timeout=5, json={
            "enrolment_code": ENROLMENT_CODE, "terminal_id": "T-1", "area_code": "620321", "name": "x"})
        assert r.status_code == 403 and r.json()["code"] == "ENROLMENT_INVALID"
    finally:
        box.stop()


def test_catalog_load_reads_only_inside_the_data_dir_and_is_no_existence_oracle(sandbox_module, tmp_path):
    box = sandbox_module
    catalog = json.loads((ROOT / "resources/catalog/demo_catalog.json").read_text(encoding="utf-8"))
    (box.data_dir / "inside.json").write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    assert box.load_catalog("inside.json")["items"] == len(catalog["items"])  # relative to the data dir

    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    (box.data_dir / "escape.json").symlink_to(outside)  # a link inside pointing out
    (box.data_dir / "escape-missing.json").symlink_to(tmp_path / "nothing.json")
    up = "../" * len(box.data_dir.resolve().parts)
    tries = {
        "absolute, exists": str(outside), "absolute, missing": str(tmp_path / "nothing.json"),
        "system file": "/etc/passwd", "dot-dot, exists": f"{up}{str(outside).lstrip('/')}",
        "dot-dot, missing": f"{up}{str(tmp_path / 'nothing.json').lstrip('/')}",
        "symlink, exists": "escape.json", "symlink, missing": "escape-missing.json",
    }
    answers = {}
    for what, path in tries.items():
        r = box.http.post(box.url + "/sandbox/catalog/load", json={"path": path}, timeout=5)
        answers[what] = (r.status_code, r.text)
    assert set(answers.values()) == {answers["absolute, missing"]}, answers  # one answer for all of them
    status, body = answers["absolute, exists"]
    assert status == 403 and json.loads(body)["code"] == "PATH_OUTSIDE_DATA_DIR" and "数据目录" in body
    assert str(tmp_path) not in body
