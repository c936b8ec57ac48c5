"""Roles and the one role→permission table. Every use case checks the acting person here.

Besides the people at the counter there are two non-human actors, each a role of its own with
a narrow set of rights, so no code path ever runs "as nobody": the terminal itself (automatic
steps such as deemed acceptance, applying what the platform sent, first-run setup and
enrolment with a one-time code) and the platform (back-office progress it reports). The admin
command line (clerkdesk-admin) has no role of its own: it acts as the person whose password it
was given, with that person's rights here.
"""

from __future__ import annotations

from enum import StrEnum

from app.rules.problems import Problem, RuleError


class Role(StrEnum):
    CLERK = "clerk"  # 窗口收件/受理人员
    STATION = "station"  # 便民服务站工作人员
    PICKUP = "pickup"  # 发证窗口
    SUPERVISOR = "supervisor"  # 科长/值班主任
    ADMIN = "admin"  # 县信息化管理员
    SYSTEM = "system"  # 本终端（自动步骤、本机管理命令）
    PLATFORM = "platform"  # 政务服务平台（后台办理进度）


# Roles a person can hold (accounts, the platform's clerk list); the other two are actors only.
PERSON_ROLES = (Role.CLERK, Role.STATION, Role.PICKUP, Role.SUPERVISOR, Role.ADMIN)


class Perm(StrEnum):
    CATALOG_VIEW = "catalog.view"
    CATALOG_IMPORT = "catalog.import"
    CASE_INTAKE = "case.intake"
    CASE_DECIDE = "case.decide"
    CASE_VIEW = "case.view"
    # An applicant's whole ID number, phone and address: for the people who serve her. Others
    # who may look a case up (the county's IT admin, for support) see them masked.
    PERSONAL_DATA = "case.personal_data"
    CASE_PROCESS = "case.process"  # special procedures, conclusion
    CASE_HANDOVER = "case.handover"
    HANDOVER_OVERRIDE = "handover.override"  # hand over despite an identity mismatch, with a reason
    ACCOUNT_UNLOCK = "account.unlock"  # unlock a clerk locked out by wrong passwords
    CASE_SYSTEM = "case.system"  # automatic steps the law itself takes (deemed acceptance)
    CASE_PROGRESS = "case.progress"  # back-office steps the platform reports
    AUDIT_VERIFY = "audit.verify"
    CALENDAR_IMPORT = "calendar.import"
    CLERK_MANAGE = "clerk.manage"
    SYNC_RESOLVE = "sync.resolve"  # resolve events the platform rejected ("needs attention")
    SYNC_CONFIGURE = "sync.configure"  # platform address, terminal registration
    SYNC_RUN = "sync.run"  # push the outbox, store what the platform sends down
    DOCUMENT_PRINT = "document.print"  # print and reprint notices and certificates, printer settings
    DATA_BACKUP = "data.backup"  # back up the database and restore it from a backup (clerkdesk-admin)


ROLE_LABELS = {
    Role.CLERK: "窗口受理",
    Role.STATION: "便民服务站",
    Role.PICKUP: "发证窗口",
    Role.SUPERVISOR: "科长/值班主任",
    Role.ADMIN: "系统管理员",
    Role.SYSTEM: "本终端系统",
    Role.PLATFORM: "政务服务平台",
}

_INTAKE = {Perm.CATALOG_VIEW, Perm.CASE_INTAKE, Perm.CASE_DECIDE, Perm.CASE_VIEW, Perm.PERSONAL_DATA, Perm.DOCUMENT_PRINT}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.CLERK: frozenset(_INTAKE | {Perm.CASE_PROCESS}),
    Role.STATION: frozenset(_INTAKE),
    Role.PICKUP: frozenset({Perm.CATALOG_VIEW, Perm.CASE_VIEW, Perm.PERSONAL_DATA, Perm.CASE_HANDOVER,
                            Perm.DOCUMENT_PRINT}),
    Role.SUPERVISOR: frozenset(_INTAKE | {Perm.CASE_PROCESS, Perm.CASE_HANDOVER, Perm.HANDOVER_OVERRIDE, Perm.AUDIT_VERIFY,
                                          Perm.SYNC_RESOLVE, Perm.ACCOUNT_UNLOCK}),
    Role.ADMIN: frozenset(
        {Perm.CATALOG_VIEW, Perm.CATALOG_IMPORT, Perm.CASE_VIEW, Perm.AUDIT_VERIFY, Perm.CALENDAR_IMPORT, Perm.CLERK_MANAGE,
         Perm.SYNC_RESOLVE, Perm.SYNC_CONFIGURE, Perm.ACCOUNT_UNLOCK, Perm.DATA_BACKUP}
    ),
    # The terminal: first-run setup and enrolment (the platform's one-time code is the key),
    # platform data, automatic legal steps. It takes no decision a person must take, resolves
    # nothing a person must look at, and never backs up or restores.
    Role.SYSTEM: frozenset({Perm.CATALOG_VIEW, Perm.CATALOG_IMPORT, Perm.CALENDAR_IMPORT, Perm.CLERK_MANAGE,
                            Perm.CASE_VIEW, Perm.CASE_SYSTEM, Perm.SYNC_CONFIGURE, Perm.SYNC_RUN, Perm.AUDIT_VERIFY}),
    Role.PLATFORM: frozenset({Perm.CASE_PROGRESS}),
}


def can(role: Role | str, perm: Perm) -> bool:
    return perm in ROLE_PERMISSIONS[Role(role)]


def require(role: Role | str, perm: Perm) -> None:
    if not can(role, perm):
        raise RuleError(
            Problem("PERMISSION_DENIED", f"当前账号角色（{ROLE_LABELS[Role(role)]}）无权执行此操作。")
        )
