"""A declarative workflow: one table of rows, and everything else derived from it.

Each `Step` says: from which state, by which action, to which state; the permission it needs;
who may take it (a person at the terminal, the terminal itself, the platform); the documents
it issues; and the platform event it produces. Creating a record is a row too (from `None`).
The case workflow (app/case_states.py) is one such table; a 好差评 follow-up or a transfer list
is another instance of the same type.

Nothing else in ClerkDesk decides what may happen: the screens' next steps, every permission
check on a transition, the documents owed, the events queued for the platform and the mapping
of the platform's progress reports all come from here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from app.actor import Actor
from app.permissions import Perm, Role
from app.rules.problems import Problem, RuleError

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


class By(StrEnum):
    """Who may take a step."""

    PERSON = "person"  # a clerk, supervisor … logged in at this terminal (their role's permission)
    SYSTEM = "system"  # the terminal itself (a rule of law that fires by time, e.g. deemed acceptance)
    PLATFORM = "platform"  # the province's platform reports it (back-office progress)


def who(actor: Actor) -> By:
    return {Role.SYSTEM: By.SYSTEM, Role.PLATFORM: By.PLATFORM}.get(actor.role, By.PERSON)


@dataclass(frozen=True)
class Owed:
    """A document a step issues; `only_if` names a fact the issuer checks (e.g. a material was
    tolerated) — "" means always."""

    kind: str
    only_if: str = ""


@dataclass(frozen=True)
class Step(Generic[S, A]):
    frm: S | None  # None: the step creates the record
    action: A
    to: S
    perm: Perm
    by: frozenset[By] = frozenset({By.PERSON})
    documents: tuple[Owed, ...] = ()
    event: str | None = None  # the platform event kind, when the terminal takes the step
    progress: str | None = None  # the platform progress step reported for it (by=PLATFORM rows)
    implicit: bool = False  # a person takes it only on the way to a next step (offered as those steps)

    def event_for(self, actor: Actor) -> str | None:
        """The platform hears of a step from the terminal, never of one it reported itself."""
        return None if who(actor) == By.PLATFORM else self.event


@dataclass(frozen=True)
class Workflow(Generic[S, A]):
    name: str
    steps: tuple[Step[S, A], ...]
    state_labels: dict[S, str]
    action_labels: dict[A, str]
    abandoned: frozenset[S] = frozenset()  # states that end a record early (not "further along")
    _index: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for st in self.steps:
            key = (st.frm, st.action)
            if key in self._index:
                raise ValueError(f"{self.name}: two rows for {key}")
            self._index[key] = st

    # --- the one check ----------------------------------------------------------------
    def step(self, state: S | str | None, action: A | str) -> Step[S, A]:
        st = self._state(state)
        act = type(self.steps[0].action)(action)
        row = self._index.get((st, act))
        if row is None:
            here = self.state_labels[st] if st is not None else "新建"
            raise RuleError(Problem("CASE_TRANSITION_NOT_ALLOWED",
                                    f"办件当前状态为“{here}”，不能执行“{self.action_labels[act]}”。"))
        return row

    def check(self, state: S | str | None, action: A | str, actor: Actor) -> Step[S, A]:
        """The row for this move, if `actor` may take it; otherwise a clear RuleError."""
        row = self.step(state, action)
        if who(actor) not in row.by:
            raise RuleError(Problem("STEP_NOT_FOR_ACTOR",
                                    f"“{self.action_labels[row.action]}”只能由"
                                    f"{'、'.join(BY_LABELS[b] for b in sorted(row.by))}办理。"))
        # A person needs the row's permission; the terminal and the platform act by the `by`
        # column, each under the one permission its role holds for workflow steps.
        actor.require(row.perm if who(actor) == By.PERSON else _ACTOR_PERM[who(actor)])
        return row

    def next_state(self, state: S | str | None, action: A | str) -> S:
        return self.step(state, action).to

    # --- derived views --------------------------------------------------------------------
    def rows_from(self, state: S | str | None) -> list[Step[S, A]]:
        st = self._state(state)
        return [r for r in self.steps if r.frm == st]

    def next_steps(self, state: S | str | None, actor: Actor | None = None) -> list[Step[S, A]]:
        """What a person may do next from `state` (all people when `actor` is None)."""
        rows = [r for r in self.rows_from(state) if By.PERSON in r.by and (actor is None or actor.can(r.perm))]
        offered: list[Step[S, A]] = []
        for r in rows:
            if r.implicit:  # offer what follows it; the use case takes both steps in one transaction
                offered += [x for x in self.next_steps(r.to, actor) if x.frm != x.to and not x.implicit
                            and x.action not in {o.action for o in rows}]
            else:
                offered.append(r)
        return offered

    def creation(self) -> Step[S, A]:
        rows = [r for r in self.steps if r.frm is None]
        assert len(rows) == 1, f"{self.name}: exactly one creation row"
        return rows[0]

    def states_after(self, action: A | str) -> frozenset[S]:
        """States in which `action` is allowed (e.g. where a certificate may be printed)."""
        act = type(self.steps[0].action)(action)
        return frozenset(r.frm for r in self.steps if r.action == act and r.frm is not None)

    def events(self) -> dict[str, Step[S, A]]:
        """Platform event kind → the row that produces it."""
        return {r.event: r for r in self.steps if r.event}

    def progress_targets(self) -> dict[str, S]:
        return {r.progress: r.to for r in self.steps if r.progress}

    def path(self, start: S, target: S, allowed: Callable[[Step[S, A]], bool]) -> list[A] | None:
        """The shortest run of allowed steps from `start` to `target`; [] when already there,
        None when the table offers no way."""
        if start == target:
            return []
        seen, queue = {start}, deque([(start, [])])
        while queue:
            state, path = queue.popleft()
            for r in self.steps:
                if r.frm != state or r.to in seen or not allowed(r):
                    continue
                if r.to == target:
                    return [*path, r.action]
                seen.add(r.to)
                queue.append((r.to, [*path, r.action]))
        return None

    def is_past(self, start: S, target: S) -> bool:
        """Whether `start` lies further along than `target` (reachable from it by moving on,
        never through an abandoning step): a late report of an earlier step changes nothing."""
        if start == target:
            return False
        onward = self.path(target, start, lambda r: r.to not in self.abandoned)
        back = self.path(start, target, lambda r: r.to not in self.abandoned)
        return onward is not None and back is None

    def _state(self, state: S | str | None) -> S | None:
        if state is None or state == "":
            return None
        return type(next(iter(self.state_labels)))(state)

    def transitions(self) -> Iterable[tuple[str, str, str]]:
        """(from, action, to) as plain strings ("" for creation): what the contract compares."""
        return [(r.frm.value if r.frm else "", r.action.value, r.to.value) for r in self.steps]


BY_LABELS = {By.PERSON: "工作人员", By.SYSTEM: "系统自动", By.PLATFORM: "政务服务平台"}
_ACTOR_PERM = {By.SYSTEM: Perm.CASE_SYSTEM, By.PLATFORM: Perm.CASE_PROGRESS}
