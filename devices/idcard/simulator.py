"""Simulated ID card readers, for tests, demos and the training room.

- `SamModule`: the security module's side of the protocol (find/select/read, SAM status and
  ID), answering command frames with answer frames built by devices/idcard/protocol.py, with
  switches for faults: corrupted checksums, no card, card lifted mid-read, silence, and (on a
  pseudo-terminal) the device vanishing mid-answer.
- `PtySamSimulator`: that module behind a pseudo-terminal (os.openpty) served by a thread, so
  the real serial driver — or `clerkdesk-admin device read-id --driver sam --port /dev/pts/N`
  — talks to it byte for byte, optionally as slowly as a real line at its baud rate.
- `SimulatedReader`: an IdCardReader without any port: the SAM driver's own code over an
  in-memory line to a `SamModule` (for UI tests and training PCs without a pty).

The sample cards are fictitious (示例 addresses; the ID numbers have valid check digits).
"""

from __future__ import annotations

import hashlib
import logging
import os
import select
import threading
import time
from dataclasses import dataclass, field
from datetime import date

import serial

from devices.errors import DeviceError
from devices.idcard import protocol as p
from devices.idcard.model import IdCard
from devices.idcard.reader import DEFAULT_READ_TIMEOUT_S
from devices.idcard.sam_serial import POLL_SLICE_S, SamReader, SerialLike

log = logging.getLogger("clerkdesk.devices")


def _sample_photo(seed: str) -> bytes:
    """1,024 bytes standing in for the WLT photo (which is opaque to us anyway)."""
    out = bytearray()
    block = seed.encode()
    while len(out) < p.PHOTO_BYTES:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[: p.PHOTO_BYTES])


SAMPLE_CARDS: dict[str, IdCard] = {
    "standard": IdCard(
        name="李小梅", sex="女", nation="汉", birth=date(1990, 3, 7),
        address="北京市东城区示例大街100号示例小区3号楼2单元501室", id_number="11010119900307002X",
        authority="北京市公安局东城分局", valid_from=date(2015, 6, 1), valid_to=date(2035, 6, 1),
        photo_wlt=_sample_photo("standard")),
    "long_term": IdCard(
        name="巴特尔", sex="男", nation="蒙古", birth=date(1960, 5, 12),
        address="内蒙古自治区呼和浩特市新城区示例街道8号", id_number="150102196005120131",
        authority="呼和浩特市公安局新城分局", valid_from=date(2010, 8, 20), valid_to=None,
        photo_wlt=_sample_photo("long_term")),
    "expired": IdCard(
        name="陈建华", sex="男", nation="汉", birth=date(1985, 11, 23),
        address="广东省深圳市福田区示例路66号", id_number="440304198511230319",
        authority="深圳市公安局福田分局", valid_from=date(2006, 4, 10), valid_to=date(2016, 4, 10),
        photo_wlt=_sample_photo("expired")),
}


def sample_card(kind: str = "standard") -> IdCard:
    """A fictitious card: 'standard', 'long_term' (长期) or 'expired'."""
    return SAMPLE_CARDS[kind]


DEFAULT_SAM_ID = bytes.fromhex("05 01 20 24 01 01 00 00 00 01 12 34 56 78 00 00")  # 16 bytes, like a module's


@dataclass
class Faults:
    """Switches a test or a trainer flips while the simulator runs."""

    corrupt_answers: int = 0  # the next N answers carry a wrong checksum
    silent: bool = False  # commands are swallowed, nothing comes back (→ timeout)
    lift_on_read: bool = False  # select succeeds, then the card is taken away: read fails (41)
    vanish_on_read: bool = False  # the device disappears halfway through the read answer
    noise: bytes = b""  # line noise sent once, just before the next answer


@dataclass(frozen=True)
class Reply:
    frame: bytes | None  # None: stay silent
    vanish: bool = False  # send half of it, then disappear


@dataclass
class SamModule:
    """The module's behaviour, one command frame in, one answer frame out (thread-safe)."""

    card: IdCard | None = field(default_factory=sample_card)
    sam_id: bytes = DEFAULT_SAM_ID
    card_kind: str = ""  # 'I' makes the text block claim a foreigner's permanent residence card
    faults: Faults = field(default_factory=Faults)
    commands: list[tuple[int, int]] = field(default_factory=list)  # every command received, in order

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._selected = False

    def place_card(self, card: IdCard | None) -> None:
        with self._lock:
            self.card, self._selected = card, False

    def remove_card(self) -> None:
        self.place_card(None)

    def handle(self, raw: bytes | p.FrameError) -> Reply:
        with self._lock:
            command: p.Command | None = None
            if isinstance(raw, p.FrameError):
                answer = p.encode_answer(p.SW_BAD_LENGTH)
            else:
                try:
                    command = p.parse_command(raw)
                except p.FrameError as err:
                    answer = p.encode_answer(p.SW_BAD_CHECKSUM if err.code == "IDCARD_CHECKSUM" else p.SW_BAD_LENGTH)
                else:
                    self.commands.append(command.key)
                    answer = self._dispatch(command)
            if self.faults.silent:
                return Reply(None)
            is_read = command is not None and command.key == p.CMD_READ_BASE
            if self.faults.corrupt_answers > 0:
                self.faults.corrupt_answers -= 1
                answer = answer[:-1] + bytes([answer[-1] ^ 0x5A])
            if self.faults.noise:
                answer, self.faults.noise = self.faults.noise + answer, b""
            return Reply(answer, vanish=is_read and self.faults.vanish_on_read)

    def _dispatch(self, c: p.Command) -> bytes:
        if c.key == p.CMD_FIND_CARD:
            return p.encode_answer(p.SW_FIND_OK, bytes(4)) if self.card else p.encode_answer(p.SW_FIND_FAILED)
        if c.key == p.CMD_SELECT_CARD:
            if self.card is None:
                return p.encode_answer(p.SW_SELECT_FAILED)
            self._selected = True
            return p.encode_answer(p.SW_OK, bytes(8))
        if c.key == p.CMD_READ_BASE:
            selected, self._selected = self._selected, False  # every read needs a fresh select
            if self.card is None or not selected:
                return p.encode_answer(p.SW_READ_FAILED)
            if self.faults.lift_on_read:
                self.faults.lift_on_read = False
                self.card = None
                return p.encode_answer(p.SW_READ_FAILED)
            return p.encode_answer(p.SW_OK, p.encode_base_message(self.card, self.card_kind))
        if c.key == p.CMD_SAM_STATUS:
            return p.encode_answer(p.SW_OK)
        if c.key == p.CMD_SAM_ID:
            return p.encode_answer(p.SW_OK, self.sam_id)
        return p.encode_answer(p.SW_BAD_COMMAND)


class PtySamSimulator:
    """A reader on a pseudo-terminal. Use as a context manager::

        with PtySamSimulator(sample_card("long_term")) as sim:
            SamSerialReader(sim.port).read()

    `realistic_timing` sends each answer no faster than `baudrate` allows (10 bits a byte);
    `read_delay_s` adds the module's own reading time before the read answer.
    """

    def __init__(self, card: IdCard | None = None, *, baudrate: int = 115200, realistic_timing: bool = False,
                 read_delay_s: float = 0.0, module: SamModule | None = None):
        self.module = module or SamModule(card=sample_card() if card is None else card)
        self.baudrate = baudrate
        self.realistic_timing = realistic_timing
        self.read_delay_s = read_delay_s
        self.vanished = threading.Event()
        self._master = self._slave = -1
        self._port = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def faults(self) -> Faults:
        return self.module.faults

    @property
    def port(self) -> str:
        if not self._port:
            raise RuntimeError("simulator not started")
        return self._port

    def start(self) -> str:
        if not hasattr(os, "openpty"):
            raise DeviceError("DEVICE_UNSUPPORTED", "串口模拟阅读器需要伪终端（Linux/macOS）；本机请改用内置模拟阅读器。")
        import tty

        self._master, self._slave = os.openpty()
        # Raw from the start: no echo of our answers back to us, no newline translation.
        tty.setraw(self._slave)
        tty.setraw(self._master)
        self._port = os.ttyname(self._slave)
        self._thread = threading.Thread(target=self._serve, name="sam-simulator", daemon=True)
        self._thread.start()
        return self._port

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._close_fds()

    def __enter__(self) -> PtySamSimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _close_fds(self) -> None:
        for fd in (self._master, self._slave):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._master = self._slave = -1

    def _serve(self) -> None:
        buffer = bytearray()
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._master, 4096)
            except OSError:
                return
            buffer += data
            for raw in p.split_frames(buffer):
                reply = self.module.handle(raw)
                if reply.frame is None:
                    continue
                if not isinstance(raw, p.FrameError) and raw[7:9] == bytes(p.CMD_READ_BASE) and self.read_delay_s:
                    time.sleep(self.read_delay_s)
                if reply.vanish:
                    self._send(reply.frame[: len(reply.frame) // 2])
                    time.sleep(0.05)
                    # Unplugged: the port goes away under the driver, which now gets EIO.
                    self.vanished.set()
                    self._close_fds()
                    return
                self._send(reply.frame)

    def _send(self, data: bytes) -> None:
        chunk = 64 if self.realistic_timing else len(data)
        for i in range(0, len(data), chunk):
            part = data[i: i + chunk]
            if self.realistic_timing:
                time.sleep(len(part) * 10 / self.baudrate)
            view = memoryview(part)
            while view:
                written = os.write(self._master, view)
                view = view[written:]


class _LoopbackPort:
    """An in-memory serial line to a SamModule, with pyserial's read-timeout semantics."""

    def __init__(self, module: SamModule, answer_delay_s: float):
        self.module = module
        self.answer_delay_s = answer_delay_s
        self.timeout = POLL_SLICE_S
        self._buf = bytearray()
        self._ready_at = 0.0
        self._gone = self._closed = False
        self._cond = threading.Condition()

    def write(self, data: bytes) -> int:
        with self._cond:
            if self._closed:
                raise serial.SerialException("port not open")
            if self._gone:
                raise serial.SerialException("write failed: [Errno 5] Input/output error")
        for raw in p.split_frames(bytearray(data)):
            reply = self.module.handle(raw)
            with self._cond:
                if reply.frame is None:
                    continue
                if reply.vanish:
                    self._buf += reply.frame[: len(reply.frame) // 2]
                    self._gone = True
                else:
                    self._buf += reply.frame
                self._ready_at = time.monotonic() + self.answer_delay_s
                self._cond.notify_all()
        return len(data)

    def read(self, size: int = 1) -> bytes:
        end = time.monotonic() + (self.timeout or 0)
        with self._cond:
            while True:
                if self._closed:
                    raise serial.SerialException("port not open")
                now = time.monotonic()
                if self._buf and now >= self._ready_at:
                    out = bytes(self._buf[:size])
                    del self._buf[:size]
                    return out
                if self._gone and not self._buf:
                    raise serial.SerialException("read failed: [Errno 5] Input/output error")
                if now >= end:
                    return b""
                wake = min(end, self._ready_at) if self._buf else end
                self._cond.wait(max(0.001, wake - now))

    def reset_input_buffer(self) -> None:
        with self._cond:
            self._buf.clear()

    def cancel_read(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class SimulatedReader(SamReader):
    """An IdCardReader with a simulated module and no port: the same protocol code end to end.

    `answer_delay_s` delays every answer (training realism, UI tests); `hang=True` makes read()
    block until close() — a vendor library call that never returns — to test watchdogs."""

    def __init__(self, card: IdCard | None = None, *, no_card: bool = False, answer_delay_s: float = 0.0,
                 hang: bool = False, find_interval_s: float = 0.05):
        super().__init__(find_interval_s=find_interval_s)
        self.module = SamModule(card=None if no_card else (card or sample_card()))
        self.answer_delay_s = answer_delay_s
        self.hang = hang
        self._release = threading.Event()

    @property
    def faults(self) -> Faults:
        return self.module.faults

    def _open_port(self) -> SerialLike:
        return _LoopbackPort(self.module, self.answer_delay_s)

    def read(self, timeout_s: float = DEFAULT_READ_TIMEOUT_S) -> IdCard:
        if self.hang:
            self._release.clear()
            self._release.wait()
            raise DeviceError("DEVICE_CLOSED", "读卡已取消。")
        return super().read(timeout_s)

    def close(self) -> None:
        self._release.set()
        super().close()
