"""The pick-up desk at 1,000,000 cases (issue 14): what the clerk waits for between a move and
the screen answering it.

* scan to case shown: a barcode scan of the notice's number → the desk's own calls — the
  check-character lookup of the waiting certificate (`find_waiting`), then the case in hand
  (`case_detail`) and the platform's certificate (`platform_certificate`) — against one raw
  indexed SELECT of the same case row joined with its item and applicant;
* card read to the waiting list: the collector's ID number → all that person's certificates
  waiting (`find_waiting`), against the raw indexed query giving the same rows.

Runs on lookup's database (`case_database`: built once per process and size; run it after
`lookup`, or alone — then it builds it).
"""

from __future__ import annotations

import random
import sys

from benchmarks.bench_lookup import app_db, case_database, size_label
from benchmarks.common import Row, log, percentile, time_pairs

# The raw equivalent of the case the desk shows after a scan: the case, its item, its applicant.
CASE_SQL = """
SELECT c.number, c.state, i.name, p.name, p.id_type, p.id_number, p.phone, p.address
FROM cases c JOIN service_items i ON i.id = c.item_id JOIN parties p ON p.id = c.applicant_id
WHERE c.number = ?
"""
# The raw equivalent of the card read: the person's certificates waiting, oldest first, found
# through the person's cases (applicant index), not by walking every waiting certificate.
WAITING_SQL = """
SELECT c.number, i.name, p.name, p.id_number, c.updated_at
FROM cases c JOIN service_items i ON i.id = c.item_id JOIN parties p ON p.id = c.applicant_id
WHERE +c.state = 'awaiting_pickup' AND c.applicant_id IN (SELECT id FROM parties WHERE id_number = ?)
ORDER BY c.updated_at LIMIT 100
"""


def run(quick: bool = False) -> list[Row]:
    from app.config import Paths
    from app.context import open_context
    from app.usecases.auth import login
    from app.usecases.pickup import find_waiting, platform_certificate
    from app.usecases.queries import case_detail

    total = 100_000 if quick else 1_000_000
    samples = 400
    budget_s = 15.0 if quick else 30.0
    db = case_database(total)
    raw = app_db(Paths(db.data_dir).database)
    rng = random.Random(14)
    waiting = [r[0] for r in raw.execute("SELECT id FROM cases WHERE state = 'awaiting_pickup'")]
    picked = rng.sample(waiting, min(len(waiting), samples * 2))
    numbers = [raw.execute("SELECT number FROM cases WHERE id = ?", (i,)).fetchone()[0] for i in picked[:samples]]
    id_numbers = [raw.execute("SELECT p.id_number FROM cases c JOIN parties p ON p.id = c.applicant_id WHERE c.id = ?",
                              (i,)).fetchone()[0] for i in picked[samples:]]
    ctx = open_context(Paths(db.data_dir))
    desk = login(ctx, "pickup01", "demo1234")

    def scan(number: str) -> None:
        [found] = find_waiting(ctx, desk, number)  # the scanned notice: exactly its certificate
        case_detail(ctx, desk, found.number)
        platform_certificate(ctx, desk, found.number)

    def raw_case(number: str) -> None:
        raw.execute(CASE_SQL, (number,)).fetchone()

    def card(id_number: str) -> list:
        return find_waiting(ctx, desk, id_number)

    def raw_waiting(id_number: str) -> list:
        return raw.execute(WAITING_SQL, (id_number,)).fetchall()

    for idn in id_numbers[:10]:  # the same answers, or the comparison means nothing
        if [w.number for w in card(idn)] != [r[0] for r in raw_waiting(idn)]:
            raise RuntimeError(f"find_waiting and the raw query disagree for {idn}")
    for n, idn in zip(numbers[:20], id_numbers[:20], strict=False):  # warm-up
        scan(n)
        raw_case(n)
        card(idn)
        raw_waiting(idn)
    scan_app, scan_raw = time_pairs(scan, raw_case, numbers, budget_s)
    log(f"pickup: scan to case shown done ({len(scan_app)} samples)")
    card_app, card_raw = time_pairs(card, raw_waiting, id_numbers, budget_s)
    log(f"pickup: card read to waiting list done ({len(card_app)} samples)")
    ctx.close()
    raw.close()

    size = size_label(total)
    return [
        Row(name=f"pick-up: scan to case shown p95 ({size} cases)", measured=percentile(scan_app, 95),
            baseline=percentile(scan_raw, 95), baseline_name="raw SELECT case+item+applicant",
            notes=[f"{len(waiting):,} certificates waiting among {total:,} cases; {len(scan_app)} scans; "
                   f"find_waiting + case_detail + platform_certificate p50 {percentile(scan_app, 50):.3f} ms, "
                   f"max {max(scan_app):.3f} ms; raw p50 {percentile(scan_raw, 50):.3f} ms"]),
        Row(name=f"pick-up: card read to waiting list p95 ({size} cases)", measured=percentile(card_app, 95),
            baseline=percentile(card_raw, 95), baseline_name="raw indexed join",
            notes=[f"{len(card_app)} ID numbers; find_waiting(ID) p50 {percentile(card_app, 50):.3f} ms, "
                   f"max {max(card_app):.3f} ms; raw p50 {percentile(card_raw, 50):.3f} ms"]),
    ]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r.name, f"{r.measured:.3f} ms vs {r.baseline:.3f} ms = {r.ratio:.2f}×", *r.notes, sep="\n  ")
