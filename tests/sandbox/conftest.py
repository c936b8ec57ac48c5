"""A registered terminal on the test's sandbox, and small builders for contract bodies."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from sync.contract import PATH_EVENTS_BATCH

ITEM = "11620321MB1957453A400011700100001"  # 个体工商户设立登记 in the demo catalog


@dataclass
class Terminal:
    url: str
    terminal_id: str
    token: str
    secret: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(self.url + path, params=params, headers=self.headers, timeout=10)

    def post(self, path: str, body: Any, timeout: float = 10) -> requests.Response:
        return requests.post(self.url + path, json=body, headers=self.headers, timeout=timeout)

    def push(self, events: list[dict]) -> list[dict]:
        r = self.post(PATH_EVENTS_BATCH, {"events": events})
        assert r.status_code == 200, r.text
        return r.json()["results"]


def register(sandbox, terminal_id: str = "T-01", area_code: str = "620321") -> Terminal:
    reg = sandbox.register_terminal(terminal_id, area_code)
    return Terminal(sandbox.url, terminal_id, reg["token"], reg["terminal_secret"])


@pytest.fixture
def terminal(sandbox) -> Terminal:
    return register(sandbox)


def event(kind: str, case_number: str, at: str = "2026-11-20T09:30:00", terminal_id: str = "T-01", **data: Any) -> dict:
    """An event as the terminal's outbox writes it (app/storage/outbox.py: naive China time)."""
    return {"event_id": str(uuid.uuid4()), "kind": kind, "case_number": case_number,
            "occurred_at": at, "terminal_id": terminal_id, "actor": "clerk01", "data": data}


APPLICANT = {"kind": "person", "name": "张桂兰", "id_type": "居民身份证", "id_number": "620321199001011234",
             "phone": "13893512345", "address": "永昌县城关镇北海子路12号", "legal_rep": ""}


def receive(case_number: str, item: str = ITEM, at: str = "2026-11-20T09:30:00") -> dict:
    """case.receive with the data the contract asks for (CaseReceivedData)."""
    return event("case.receive", case_number, at, item_code=item, item_revision=1, channel="window",
                 applicant=APPLICANT, agent=None, authorisation="", window_no="综合受理3号窗", materials=[])


def moved(kind: str, case_number: str, frm: str, to: str, at: str = "2026-11-20T09:35:00", **more: Any) -> dict:
    """A step of the case with the data every step carries (CaseMovedData)."""
    return event(kind, case_number, at, **{"from": frm, "to": to, "round": 1, "note": ""}, **more)


def accept(case_number: str, at: str = "2026-11-20T09:35:00") -> dict:
    return moved("case.accept", case_number, "received", "accepted", at)
