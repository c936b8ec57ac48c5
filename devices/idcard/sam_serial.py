"""The SAM protocol driver: find → select → read over a serial port (or USB-serial adapter).

Works with any reader that exposes its security module as a serial port — RS-232, or a
USB-serial adapter / virtual COM port (虚拟串口) — speaking the published frame format
(devices/idcard/protocol.py); 115200 baud, 8N1 unless the reader's manual says otherwise.
Readers that offer only a vendor USB (HID) interface need the vendor driver instead.
`SamReader` holds the protocol logic over any pyserial-like port, so the in-process simulator
exercises exactly this code.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Protocol

import serial

from devices.errors import DeviceError, card_lifted, device_gone, no_card, open_failed, reader_timeout
from devices.idcard import protocol as p
from devices.idcard.model import IdCard
from devices.idcard.reader import DEFAULT_READ_TIMEOUT_S

log = logging.getLogger("clerkdesk.devices")

DEFAULT_BAUDRATE = 115200
# How long one pyserial read may block: short, so a close() from another thread or the
# deadline is noticed within this slice.
POLL_SLICE_S = 0.05
# Bytes of line noise tolerated before a preamble before we call it a wrong baud rate.
MAX_SKIPPED_BYTES = 512


class SerialLike(Protocol):
    """The part of pyserial's Serial the driver uses."""

    def write(self, data: bytes) -> int | None: ...

    def read(self, size: int = 1) -> bytes: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ReaderStatus:
    sam_id: str  # the security module's ID as hex ('' when the module does not give it)


def module_error(answer: p.Answer) -> DeviceError:
    return DeviceError("IDCARD_MODULE",
                       f"阅读器报告：{answer.status_message}（状态码 {answer.status:02X}）。"
                       "请重新读卡；如反复出现，请联系信息中心检修阅读器。", f"status {answer.status:02X}")


class SamReader(ABC):
    """IdCardReader over a serial-like port opened by `_open_port` (the real serial port, or the
    simulator's in-memory line)."""

    def __init__(self, *, find_interval_s: float = 0.2):
        self.find_interval_s = find_interval_s
        self._port: SerialLike | None = None
        self._io = threading.Lock()  # one exchange sequence at a time on the line
        self._cancel_gen = 0  # bumped by close(): a read that started earlier stops

    # --- for subclasses ------------------------------------------------------------------
    @abstractmethod
    def _open_port(self) -> SerialLike: ...

    # --- IdCardReader --------------------------------------------------------------------
    def read(self, timeout_s: float = DEFAULT_READ_TIMEOUT_S) -> IdCard:
        return self._run(timeout_s, self._find_select_read)

    def check(self, timeout_s: float = 3.0) -> ReaderStatus:
        """Ask the security module for its status and ID (no card needed): the "test device" button."""
        def ask(port: SerialLike, deadline: float, timeout_s: float, gen: int) -> ReaderStatus:
            status = self._exchange(port, p.CMD_SAM_STATUS, deadline, timeout_s, gen)
            if status.status != p.SW_OK:
                raise module_error(status)
            ident = self._exchange(port, p.CMD_SAM_ID, deadline, timeout_s, gen)
            return ReaderStatus(ident.data.hex().upper() if ident.status == p.SW_OK else "")
        return self._run(timeout_s, ask)

    def close(self) -> None:
        self._cancel_gen += 1
        port = self._port
        cancel = getattr(port, "cancel_read", None)
        if cancel is not None:
            try:
                cancel()  # wakes a pyserial read blocked in select()
            except Exception:  # noqa: BLE001 — best effort: the port may already be gone
                pass
        # Close only when no read is using the port; a read in progress closes it on its way out.
        if self._io.acquire(timeout=1.0):
            try:
                self._drop_port()
            finally:
                self._io.release()

    def __enter__(self) -> SamReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------
    def _run(self, timeout_s: float, body):  # noqa: ANN001, ANN202 — body(port, deadline, timeout_s, gen) -> T
        deadline = time.monotonic() + timeout_s
        gen = self._cancel_gen
        with self._io:
            try:
                return self._with_retries(body, deadline, timeout_s, gen)
            finally:
                if self._cancel_gen != gen:
                    self._drop_port()

    def _with_retries(self, body, deadline: float, timeout_s: float, gen: int):  # noqa: ANN001, ANN202
        retried_gone = retried_frame = False
        while True:
            fresh = self._port is None
            port = self._ensure_open()
            try:
                return body(port, deadline, timeout_s, gen)
            except DeviceError as err:
                if err.code == "DEVICE_GONE":
                    self._drop_port()
                    # A handle kept open since an earlier read goes stale when the reader is
                    # unplugged and plugged back in while idle: reopen once before giving up.
                    if not fresh and not retried_gone and self._cancel_gen == gen:
                        retried_gone = True
                        log.info("ID reader handle went stale, reopening: %s", err.detail)
                        try:
                            self._ensure_open()
                        except DeviceError:
                            raise err from None
                        continue
                elif (err.code in ("IDCARD_CHECKSUM", "IDCARD_FRAME") and not retried_frame
                      and time.monotonic() < deadline):
                    # One corrupted answer (noise on the line) costs a retry, not the clerk's time.
                    retried_frame = True
                    log.warning("ID reader answer corrupted, starting over: %s", err.detail)
                    continue
                raise

    def _ensure_open(self) -> SerialLike:
        if self._port is None:
            self._port = self._open_port()
        return self._port

    def _drop_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:  # noqa: BLE001 — closing a vanished device may fail; it is gone either way
                pass

    def _find_select_read(self, port: SerialLike, deadline: float, timeout_s: float, gen: int) -> IdCard:
        last_failure = p.SW_FIND_FAILED
        while True:
            found = self._exchange(port, p.CMD_FIND_CARD, deadline, timeout_s, gen)
            if found.status not in (p.SW_FIND_OK, p.SW_FIND_FAILED):
                raise module_error(found)
            # Select is tried even after "no card": firmware differs on whether a card left lying on
            # the reader after a read is "found" again, and select is one short frame (81 if no card).
            selected = self._exchange(port, p.CMD_SELECT_CARD, deadline, timeout_s, gen)
            if selected.status == p.SW_OK:
                break
            last_failure = p.SW_SELECT_FAILED if found.status == p.SW_FIND_OK else p.SW_FIND_FAILED
            if time.monotonic() + self.find_interval_s >= deadline:
                if last_failure == p.SW_SELECT_FAILED:
                    raise DeviceError("IDCARD_SELECT_FAILED", "检测到身份证，但没能选中读取。请把身份证放稳、不要移动，再读卡。")
                raise no_card()
            self._pause(self.find_interval_s, gen)
        answer = self._exchange(port, p.CMD_READ_BASE, deadline, timeout_s, gen)
        if answer.status == p.SW_OK:
            return p.parse_base_message(answer.data)
        if answer.status in (p.SW_READ_FAILED, p.SW_FIND_FAILED, p.SW_SELECT_FAILED):
            raise card_lifted()
        raise module_error(answer)

    def _pause(self, seconds: float, gen: int) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._check_cancel(gen)
            time.sleep(min(left, POLL_SLICE_S))

    def _check_cancel(self, gen: int) -> None:
        if self._cancel_gen != gen:
            raise DeviceError("DEVICE_CLOSED", "读卡已取消。")

    def _exchange(self, port: SerialLike, key: tuple[int, int], deadline: float, timeout_s: float,
                  gen: int) -> p.Answer:
        self._check_cancel(gen)
        try:
            # Drop what an earlier, abandoned answer may have left on the line.
            port.reset_input_buffer()
            port.write(p.encode_command(*key))
            return self._read_answer(port, deadline, timeout_s, gen)
        except DeviceError:
            raise
        except serial.SerialTimeoutException as exc:  # the write could not leave (flow control stuck)
            raise reader_timeout(timeout_s) from exc
        except (serial.SerialException, OSError) as exc:
            self._check_cancel(gen)
            raise device_gone(detail=f"{type(exc).__name__}: {exc}") from exc

    def _read_answer(self, port: SerialLike, deadline: float, timeout_s: float, gen: int) -> p.Answer:
        window = bytearray(self._read_exact(port, len(p.PREAMBLE), deadline, timeout_s, gen, started=False))
        skipped = 0
        while window[-len(p.PREAMBLE):] != p.PREAMBLE:
            skipped += 1
            if skipped > MAX_SKIPPED_BYTES:
                raise p.frame_error(p.BadPreamble, f"no preamble in {skipped} bytes: {bytes(window[-16:]).hex(' ')}")
            window += self._read_exact(port, 1, deadline, timeout_s, gen, started=True)
        length_bytes = self._read_exact(port, 2, deadline, timeout_s, gen, started=True)
        length = int.from_bytes(length_bytes, "big")
        p.check_length(length, p.MIN_ANSWER_LENGTH)
        body = self._read_exact(port, length, deadline, timeout_s, gen, started=True)
        return p.parse_answer(p.PREAMBLE + length_bytes + body)

    def _read_exact(self, port: SerialLike, n: int, deadline: float, timeout_s: float, gen: int,
                    started: bool) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            self._check_cancel(gen)
            chunk = port.read(n - len(buf))
            if chunk:
                buf += chunk
            elif time.monotonic() >= deadline:
                raise reader_timeout(timeout_s, partial=started or bool(buf))
        return bytes(buf)


class SamSerialReader(SamReader):
    """The SAM module on a serial port: `SamSerialReader("COM3")`, `SamSerialReader("/dev/ttyUSB0")`.

    The port opens on the first read and stays open; after the device vanished it is reopened
    on the next read, so unplugging and replugging the reader needs no restart."""

    def __init__(self, port: str, baudrate: int = DEFAULT_BAUDRATE, *, find_interval_s: float = 0.2):
        super().__init__(find_interval_s=find_interval_s)
        self.port_name = port
        self.baudrate = baudrate

    def _open_port(self) -> SerialLike:
        options: dict = {"baudrate": self.baudrate, "bytesize": serial.EIGHTBITS, "parity": serial.PARITY_NONE,
                         "stopbits": serial.STOPBITS_ONE, "timeout": POLL_SLICE_S, "write_timeout": 2.0}
        if os.name == "posix":
            options["exclusive"] = True  # two programs polling one reader garble each other's frames
        try:
            return serial.Serial(self.port_name, **options)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise open_failed(self.port_name, detail=f"{type(exc).__name__}: {exc}") from exc

    def __repr__(self) -> str:
        return f"SamSerialReader({self.port_name!r}, {self.baudrate})"
