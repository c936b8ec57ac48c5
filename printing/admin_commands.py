"""`clerkdesk-admin render …`: a case's document, or a kind with sample data, to a PDF file.

    clerkdesk-admin --data-dir D --user super01 render CASE_NUMBER KIND --out FILE.pdf   (for the supervisor)
    clerkdesk-admin render --sample KIND --out FILE.pdf                   (templates, calibration)

A case's document holds an applicant's personal data: it needs the password of someone who may
print documents (DOCUMENT_PRINT) and the run is audited. --sample touches no stored data: no login.

Registered through the entry point group `clerkdesk.admin_commands`, so app/ never imports printing/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.admin_cli import NO_LOGIN
from app.config import resolve_paths
from app.documents import DocumentKind
from app.permissions import Perm
from app.rules.case_number import check_case_number

KINDS = [k.value for k in DocumentKind]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("render", help="把办件的文书（或示例数据）输出为 PDF 文件")
    p.add_argument("case_number", nargs="?", help="办件编号（与 --sample 二选一）")
    p.add_argument("kind", nargs="?", help=f"文书种类：{'、'.join(KINDS)}")
    p.add_argument("--sample", metavar="KIND", choices=KINDS, help="用内置示例数据输出该种类")
    p.add_argument("--certificate-type", default="business-licence-individual",
                   help="calibration 或示例证照用的套打模板")
    p.add_argument("--out", required=True, type=Path, help="输出的 PDF 文件")
    p.set_defaults(func=_cmd_render, needs=lambda a: NO_LOGIN if a.sample else Perm.DOCUMENT_PRINT)


def _cmd_render(args: argparse.Namespace) -> int:
    from printing import render_calibration, render_document, sample_snapshot

    if args.sample:
        kind = DocumentKind(args.sample)
        doc = (render_calibration(args.certificate_type) if kind == DocumentKind.CALIBRATION
               else render_document(sample_snapshot(kind)))
    else:
        if not args.case_number or args.kind not in KINDS:
            print(f"请给出办件编号和文书种类（{'、'.join(KINDS)}），或使用 --sample KIND。", file=sys.stderr)
            return 2
        doc = render_document(_stored(args))
    for ch in doc.missing_glyphs:
        print(f"警告：字符“{ch}”（U+{ord(ch):04X}）没有可用字体，打印出来会缺字。", file=sys.stderr)
    args.out.write_bytes(doc.pdf)
    print(f"已输出 {args.out}（{doc.pages} 页，SHA-256 {doc.sha256[:16]}…）")
    return 0


def _stored(args: argparse.Namespace):  # noqa: ANN202 — a DocumentSnapshot
    from app.bootstrap import start_terminal
    from app.usecases.documents import stored_snapshot

    ctx = start_terminal(resolve_paths(args.data_dir), demo=False)
    try:
        return stored_snapshot(ctx, check_case_number(args.case_number), DocumentKind(args.kind))
    finally:
        ctx.close()
