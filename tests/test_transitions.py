"""The one transition table, exhaustively: every (state, action) pair either moves where
the table says or is refused with a clear Chinese error."""

from __future__ import annotations

import itertools

import pytest

from app.case_states import FINAL, TRANSITIONS, Action, State, allowed_actions, next_state
from app.rules.problems import RuleError


@pytest.mark.parametrize(("state", "action"), list(itertools.product(State, Action)))
def test_every_pair_is_allowed_exactly_when_the_table_says(state: State, action: Action) -> None:
    if (state, action) in TRANSITIONS:
        assert next_state(state, action) == TRANSITIONS[(state, action)]
    else:
        with pytest.raises(RuleError) as err:
            next_state(state, action)
        assert err.value.code == "CASE_TRANSITION_NOT_ALLOWED"
        assert "不能执行" in err.value.message


def test_law_32_decisions_from_received() -> None:
    assert {a for a in allowed_actions(State.RECEIVED)} == {
        Action.ACCEPT, Action.REQUEST_SUPPLEMENT, Action.REJECT, Action.CORRECT_ON_SPOT, Action.DEEM_ACCEPTED,
        Action.WITHDRAW,
    }


def test_supplementation_returns_to_review_not_to_acceptance() -> None:
    assert allowed_actions(State.AWAITING_SUPPLEMENT) == [Action.RESUBMIT, Action.WITHDRAW]
    assert next_state(State.AWAITING_SUPPLEMENT, Action.RESUBMIT) == State.RECEIVED


def test_final_states_allow_nothing() -> None:
    for state in FINAL:
        assert allowed_actions(state) == []


def test_every_state_is_reachable_from_received() -> None:
    seen, frontier = {State.RECEIVED}, [State.RECEIVED]
    while frontier:
        s = frontier.pop()
        for a in allowed_actions(s):
            t = TRANSITIONS[(s, a)]
            if t not in seen:
                seen.add(t)
                frontier.append(t)
    assert seen == set(State)
