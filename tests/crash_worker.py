"""Run as a subprocess by test_crash_safety: takes in cases as fast as it can and prints
each number only after its transaction has committed, until it is killed."""

from __future__ import annotations

import sys
from pathlib import Path

from app.bootstrap import start_terminal
from app.case_states import Action
from app.config import Paths
from app.usecases.auth import login
from app.usecases.decisions import Decision, intake_and_decide
from app.usecases.intake import IntakeInput
from app.usecases.setup import DEMO_PASSWORD
from tests.helpers import all_provided, find_item, person


def main() -> None:
    ctx = start_terminal(Paths(Path(sys.argv[1])))
    actor = login(ctx, "clerk01", DEMO_PASSWORD)
    g = find_item(ctx, "个体工商户设立登记")
    print("READY", flush=True)
    while True:
        out = intake_and_decide(ctx, actor, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT))
        print(out.value.number, flush=True)


if __name__ == "__main__":
    main()
