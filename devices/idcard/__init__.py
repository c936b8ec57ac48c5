"""二代身份证阅读器: the card model, the reader interface and its drivers.

    from devices.idcard.sam_serial import SamSerialReader     # real reader on a serial port
    from devices.idcard.vendor_dll import open_vendor_reader  # vendor SDK (Windows)
    from devices.idcard.simulator import SimulatedReader, PtySamSimulator, sample_card
"""

from devices.errors import DeviceError
from devices.idcard.model import NATION_NAMES, IdCard, nation_name
from devices.idcard.reader import DEFAULT_READ_TIMEOUT_S, IdCardReader

__all__ = ["DEFAULT_READ_TIMEOUT_S", "NATION_NAMES", "DeviceError", "IdCard", "IdCardReader", "nation_name"]
