"""Issue 13 #4: scanned pages reach the platform — uploaded during a real sync against the real
sandbox, in chunks, resumable after a kill, never sent twice, fetched back byte-identical, and
only by terminals entitled to the case."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from app.config import Paths
from app.context import open_context
from app.usecases.sync_state import sync_overview
from sync.contract import ATTACHMENT_CHUNK_SIZE, PATH_ATTACHMENTS, chunk_count, content_path
from sync.http import PlatformRefused
from sync.pusher import push_pending
from tests.helpers import find_item
from tests.sandbox.conftest import receive, register
from tests.scan_pages import intake_with_scans, large_page, sample_page
from tests.sync.support import api_for, connect, sync

ROOT = Path(__file__).resolve().parents[2]


def attachment_stats(sandbox) -> dict:  # noqa: ANN001
    return sandbox.stats()["attachments"]


def assert_platform_holds(ctx, pages: list[bytes], hashes: list[str]) -> None:  # noqa: ANN001
    """The platform gives back every page byte for byte, fetched as this terminal."""
    api = api_for(ctx)
    try:
        for data, sha in zip(pages, hashes, strict=True):
            assert api.attachment_content(sha) == data
    finally:
        api.close()


def test_a_scan_taken_at_intake_reaches_the_platform_and_comes_back_byte_identical(ctx, clerk, sandbox) -> None:
    connect(ctx, sandbox)
    pages = [sample_page(0), large_page(1)]
    assert chunk_count(len(pages[1])) > 1  # the large page really goes in several chunks
    number, _material, hashes = intake_with_scans(ctx, clerk, pages)
    assert sync_overview(ctx).attachments == 2  # the status bar's "附件 2" before the sync

    report = sync(ctx)
    assert report.ok, report.errors
    assert report.pushed.applied == 2 and report.uploaded.pages == 2  # events first, then the pages
    assert sync_overview(ctx).attachments == 0

    assert_platform_holds(ctx, pages, hashes)
    for data, sha in zip(pages, hashes, strict=True):  # kept inside the platform's own data folder
        assert (sandbox.data_dir / "attachments" / sha[:2] / sha).read_bytes() == data
    stats = attachment_stats(sandbox)
    total = sum(len(p) for p in pages)
    assert stats["chunk_bytes_received"] == total and stats["duplicate_chunks"] == 0
    assert stats["chunks_received"] == sum(chunk_count(len(p)) for p in pages)
    assert stats["stored"] == 2 and stats["linked_pages"] == 2

    again = sync(ctx)  # nothing left: not a byte, not a declaration's worth of content
    assert again.ok and again.uploaded.pages == 0 and again.uploaded.bytes == 0
    assert attachment_stats(sandbox)["chunk_bytes_received"] == total


def test_a_page_the_platform_already_holds_is_never_sent_again(ctx, clerk, sandbox) -> None:
    """The same page on a second case (a reused material) costs one declaration, no bytes."""
    connect(ctx, sandbox)
    page = large_page(7)
    intake_with_scans(ctx, clerk, [page])
    assert sync(ctx).uploaded.pages == 1
    before = attachment_stats(sandbox)

    second, _m, (sha,) = intake_with_scans(ctx, clerk, [page])
    report = sync(ctx)
    assert report.ok and report.uploaded.pages == 1 and report.uploaded.already_there == 1
    assert report.uploaded.bytes == 0
    after = attachment_stats(sandbox)
    assert after["chunk_bytes_received"] == before["chunk_bytes_received"] and after["duplicate_chunks"] == 0
    assert after["stored"] == 1 and after["linked_pages"] == 2  # stored once, linked to both cases
    assert sync_overview(ctx).attachments == 0


def test_pages_wait_until_the_platform_knows_their_case(ctx, clerk, sandbox) -> None:
    """The platform refused the case's receipt (item suspended there): its pages are not even
    offered — they wait with the case, and follow once a supervisor has it sent again."""
    from app.usecases.sync_state import list_attention, resolve_attention
    from tests.conftest import as_user

    code = find_item(ctx, "个体工商户设立登记").implementation_code
    sandbox.suspend_item(code, "系统升级，暂停受理", since="2026-11-01")
    connect(ctx, sandbox)
    intake_with_scans(ctx, clerk, [sample_page(1)])
    report = sync(ctx)
    assert report.reachable and report.pushed.rejected == 1
    assert report.uploaded.pages == 0 and report.uploaded.refused == 0  # never offered, so never refused
    assert attachment_stats(sandbox)["chunks_received"] == 0
    assert sync_overview(ctx).attachments == 1

    sandbox.resume_item(code, since="2026-11-01")
    [item] = list_attention(ctx)
    resolve_attention(ctx, as_user(ctx, "super01"), item.item_id, "requeue")
    report = sync(ctx)
    assert report.ok and report.uploaded.pages == 1  # the case first, then its page, in one sync
    assert sync_overview(ctx).attachments == 0


def test_only_terminals_entitled_to_the_case_can_fetch_a_page(ctx, clerk, sandbox) -> None:
    connect(ctx, sandbox)
    _number, _m, (sha,) = intake_with_scans(ctx, clerk, [sample_page(2)])
    assert sync(ctx).uploaded.pages == 1
    hall = ctx.settings.get("hall_name")

    def fetch(token: str) -> requests.Response:
        return requests.get(sandbox.url + content_path(sha), headers=sandbox.auth(token), timeout=10)

    other_hall = sandbox.enrol(hall="金昌市金川区政务服务中心", area_code="620302")
    refused = fetch(other_hall["token"])
    assert refused.status_code == 404 and refused.json()["code"] == "NOT_FOUND"
    same_hall_window = sandbox.enrol(hall=hall, window="综合受理5号窗")  # a colleague's window: not her case
    assert fetch(same_hall_window["token"]).status_code == 404
    pickup = sandbox.enrol(hall=hall, desk="pickup")  # the hall's 发证窗口 hands its cases over
    assert fetch(pickup["token"]).status_code == 200
    never_seen = requests.get(sandbox.url + content_path("0" * 64), headers=sandbox.auth(pickup["token"]), timeout=10)
    assert never_seen.status_code == 404  # the same answer: a hash is no way to probe

    # Knowing the hash is no proof of having the page: another hall declaring it for a case of
    # its own is told to upload it (nothing is "already there" for it) and still cannot fetch it.
    other = register(sandbox, "T-JINCHUAN-01", "620302")
    other.push([receive("620302261120000009X")])
    declared = requests.post(sandbox.url + PATH_ATTACHMENTS, headers=other.headers, timeout=10, json={
        "sha256": sha, "size": 10, "media_type": "image/jpeg", "case_number": "620302261120000009X",
        "material_name": "营业执照", "page_no": 1})
    assert declared.status_code == 422  # the size does not match the content it claims to have
    declared = requests.post(sandbox.url + PATH_ATTACHMENTS, headers=other.headers, timeout=10, json={
        "sha256": sha, "size": len(sample_page(2)), "media_type": "image/jpeg",
        "case_number": "620302261120000009X", "material_name": "营业执照", "page_no": 1})
    assert declared.status_code == 200 and declared.json()["complete"] is False
    assert fetch(other.token).status_code == 404


def test_chunks_of_the_wrong_size_or_a_content_that_is_not_its_hash_are_refused(ctx, clerk, sandbox) -> None:
    connect(ctx, sandbox)
    number, material, _h = intake_with_scans(ctx, clerk, [])
    sync(ctx)
    api = api_for(ctx)
    try:
        data = large_page(3)
        forged = hashlib.sha256(b"something else").hexdigest()
        from app.usecases.uploads import PageUpload

        page = PageUpload(0, forged, len(data), "image/jpeg", number, material, 1)
        status = api.declare_attachment(page)
        assert not status.complete and status.received == []
        with pytest.raises(PlatformRefused) as short:
            api.put_attachment_chunk(forged, 0, data[:100])
        assert short.value.platform_code == "CHUNK_INVALID"
        for i in range(status.chunks - 1):
            api.put_attachment_chunk(forged, i, data[i * ATTACHMENT_CHUNK_SIZE:(i + 1) * ATTACHMENT_CHUNK_SIZE])
        last = status.chunks - 1
        with pytest.raises(PlatformRefused) as wrong:
            api.put_attachment_chunk(forged, last, data[last * ATTACHMENT_CHUNK_SIZE:])
        assert wrong.value.platform_code == "ATTACHMENT_HASH_MISMATCH"
        assert api.declare_attachment(page).received == []  # discarded: it starts again from nothing
    finally:
        api.close()
    assert attachment_stats(sandbox)["stored"] == 0


def _wait_until_the_platform_is_idle(sandbox) -> None:  # noqa: ANN001
    """A chunk the killed client had already sent may still be on its way through the injected
    latency: wait until the platform's count stops moving before resuming."""
    last = None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        now = attachment_stats(sandbox)["chunks_received"]
        if now == last:
            return
        last = now
        time.sleep(0.6)


def test_client_killed_mid_upload_resumes_sending_nothing_twice(ctx, clerk, sandbox, data_dir) -> None:
    connect(ctx, sandbox)
    pages = [large_page(11), large_page(12)]
    number, _m, hashes = intake_with_scans(ctx, clerk, pages)
    api = api_for(ctx)
    try:
        push_pending(ctx, api)  # the case is on the platform; its pages are not
    finally:
        api.close()
    total_chunks = sum(chunk_count(len(p)) for p in pages)
    assert total_chunks >= 8
    sandbox.set_faults(latency_ms=150)  # each chunk takes a while: the kill lands mid-upload
    proc = subprocess.Popen([sys.executable, "-m", "tests.sync.upload_worker", str(data_dir)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline().strip()
        if not line:
            break
        lines.append(line)
        if line.startswith("CHUNK") and int(line.split()[1]) >= 3:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert any(x.startswith("CHUNK") for x in lines), proc.stderr.read() if proc.stderr else lines
    assert not any(x.startswith("DONE") for x in lines)

    sandbox.clear_faults()
    _wait_until_the_platform_is_idle(sandbox)
    mid = attachment_stats(sandbox)
    assert 3 <= mid["chunks_received"] < total_chunks  # part of it arrived, not all
    ctx.close()
    again = open_context(Paths(data_dir))
    try:
        assert sync_overview(again).attachments == 2  # nothing marked done that the platform did not confirm
        report = sync(again)
        assert report.ok and report.uploaded.pages == 2
        assert report.uploaded.chunks == total_chunks - mid["chunks_received"]  # only what was missing
        stats = attachment_stats(sandbox)
        assert stats["chunk_bytes_received"] == sum(len(p) for p in pages)  # every byte exactly once
        assert stats["duplicate_chunks"] == 0 and stats["chunks_received"] == total_chunks
        assert_platform_holds(again, pages, hashes)
        assert sync(again).uploaded.bytes == 0
        assert sync_overview(again).attachments == 0
    finally:
        again.close()
    assert number


def test_platform_killed_mid_upload_keeps_what_it_had_and_is_sent_only_the_rest(ctx, clerk, sandbox, data_dir) -> None:
    """kill -9 of the platform mid-upload: every chunk it had written survives (written whole
    and renamed into place), the terminal is told so after the restart, and sends only the rest."""
    connect(ctx, sandbox)
    pages = [large_page(21), large_page(22)]
    _number, _m, hashes = intake_with_scans(ctx, clerk, pages)
    api = api_for(ctx)
    try:
        push_pending(ctx, api)
    finally:
        api.close()
    sandbox.set_faults(latency_ms=100)
    proc = subprocess.Popen([sys.executable, "-m", "tests.sync.upload_worker", str(data_dir)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline().strip()
        if not line or (line.startswith("CHUNK") and int(line.split()[1]) >= 3):
            break
    sandbox.kill()  # the platform dies mid-upload …
    os.kill(proc.pid, signal.SIGKILL)  # … and this attempt with it
    proc.wait(timeout=30)
    store = sandbox.data_dir / "attachments"
    held = sum(1 for f in (store / "partial").glob("*/*") if f.name.isdigit())
    whole = [sha for sha in hashes if (store / sha[:2] / sha).exists()]
    held += sum(chunk_count(len(p)) for p, sha in zip(pages, hashes, strict=True) if sha in whole)
    total = sum(chunk_count(len(p)) for p in pages)
    assert 3 <= held < total

    sandbox.start()  # same port, same data; its counters start again at 0
    report = sync(ctx)
    assert report.ok and report.uploaded.pages == 2
    assert report.uploaded.chunks == total - held  # only what the platform did not have
    stats = attachment_stats(sandbox)
    assert stats["chunks_received"] == total - held and stats["duplicate_chunks"] == 0
    assert_platform_holds(ctx, pages, hashes)
    assert not [f for f in (store / "partial").glob("*/*") if f.name.isdigit()]  # finished chunks cleared
