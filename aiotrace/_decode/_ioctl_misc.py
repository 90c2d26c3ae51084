# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: small families, as strace 6.1 decodes them: inotify ('I'), the random device
('R'), watchdogs ('W'), network block devices (0xab), infrared remotes (LIRC, 'i') and
perf events ('$'; PERF_EVENT_IOC_MODIFY_ATTRIBUTES's struct perf_event_attr as
perf_event_open prints it, ``_perf_attr``)."""

from __future__ import annotations

import struct
from typing import Optional

from . import _ioctl as I
from ._perf_attr import attr_at_entry
from ._ctx import Ctx
from ._xlat import flags, hexa, s32, u32, u64, xval
from ._xlat_ioctl import LIRC_FEATURES, LIRC_MODES, NBD_FLAGS, PERF_IOC_FLAGS
from ._xlat_ioctl_names import code


def _int(c: Ctx, arg: int) -> str:
    return I.struct(c, arg, "<i", lambda v: "[%d]" % v)


def _inotify(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req == code("INOTIFY_IOC_SETNEXTWD"):
        return I.done(c, ", %d" % s32(arg))
    return None


# -- 'R': /dev/random (linux/random.h) -------------------------------------------

_RND_NO_ARG = {code("RNDZAPENTCNT"), code("RNDCLEARPOOL"), code("RNDRESEEDCRNG")}


def _entropy(c: Ctx, arg: int) -> str:
    data = I.fetch(c, arg, 8)
    if isinstance(data, str):
        return data
    count, size = struct.unpack("<ii", data)
    return "{entropy_count=%d, buf_size=%d, buf=%s}" % (count, size, c.buf(arg + 8, size))


def _random(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req == code("RNDGETENTCNT"):
        return ", " + _int(c, arg) if c.exiting else ""
    if req == code("RNDADDTOENTCNT"):
        return I.done(c, ", " + _int(c, arg))
    if req == code("RNDADDENTROPY"):
        return I.done(c, ", " + _entropy(c, arg))
    if req in _RND_NO_ARG:
        return I.done(c, "")
    return None


# -- 'W': watchdogs (linux/watchdog.h) ----------------------------------------------

_WD_GETTERS = {code("WDIOC_" + n) for n in (
    "GETSTATUS", "GETBOOTSTATUS", "GETTEMP", "GETTIMEOUT", "GETPRETIMEOUT", "GETTIMELEFT")}
_WD_SETTERS = {code("WDIOC_SETTIMEOUT"), code("WDIOC_SETPRETIMEOUT")}


def _watchdog(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req in _WD_GETTERS:
        return ", " + _int(c, arg) if c.exiting else ""
    if req in _WD_SETTERS:
        return I.done(c, ", " + _int(c, arg))
    if req == code("WDIOC_KEEPALIVE"):    # (its int is ignored)
        return I.done(c, "")
    return None


# -- 0xab: network block devices (linux/nbd.h) ----------------------------------------

_NBD_NO_ARG = {code("NBD_" + n) for n in (
    "DISCONNECT", "CLEAR_SOCK", "DO_IT", "CLEAR_QUE", "PRINT_DEBUG")}
_NBD_VALUES = {code("NBD_" + n) for n in (
    "SET_BLKSIZE", "SET_SIZE", "SET_SIZE_BLOCKS", "SET_TIMEOUT")}


def _nbd(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req in _NBD_NO_ARG:
        return I.done(c, "")
    if req == code("NBD_SET_SOCK"):
        return I.done(c, ", " + c.fd(arg))
    if req in _NBD_VALUES:
        return I.done(c, ", %d" % u64(arg))
    if req == code("NBD_SET_FLAGS"):
        return I.done(c, ", " + flags(arg, NBD_FLAGS, "NBD_IOC_FLAG_???"))
    return None


# -- 'i': infrared remotes (linux/lirc.h) --------------------------------------------

_LIRC_MODE_REQUESTS = {code("LIRC_" + n) for n in (
    "GET_SEND_MODE", "GET_REC_MODE", "SET_SEND_MODE", "SET_REC_MODE")}
_LIRC_FEATURES = code("LIRC_GET_FEATURES")
_LIRC_MASK = code("LIRC_SET_TRANSMITTER_MASK")
_LIRC_INTS = {code("LIRC_" + n) for n in (
    "GET_REC_RESOLUTION", "GET_MIN_TIMEOUT", "GET_MAX_TIMEOUT", "GET_LENGTH",
    "SET_SEND_CARRIER", "SET_REC_CARRIER", "SET_SEND_DUTY_CYCLE", "SET_REC_TIMEOUT",
    "SET_REC_TIMEOUT_REPORTS", "SET_MEASURE_CARRIER_MODE", "SET_REC_CARRIER_RANGE",
    "SET_WIDEBAND_RECEIVER", "GET_REC_TIMEOUT")}


def _lirc_value(req: int, v: int) -> str:
    if req == _LIRC_FEATURES:
        return flags(v, LIRC_FEATURES, "LIRC_CAN_???")
    if req in _LIRC_MODE_REQUESTS:
        return xval(v, LIRC_MODES, "LIRC_MODE_???")
    return hexa(v) if req == _LIRC_MASK else str(v)


def _lirc(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req not in _LIRC_INTS and req not in _LIRC_MODE_REQUESTS and req not in (
            _LIRC_FEATURES, _LIRC_MASK):
        return None
    text = I.struct(c, arg, "<I", lambda v: "[%s]" % _lirc_value(req, v))
    if I.ioc_dir(req) == 2:     # _IOC_READ: at exit
        return ", " + text if c.exiting else ""
    return I.done(c, ", " + text)


# -- '$': perf events (linux/perf_event.h) ----------------------------------------------

_PERF_FLAGS = {code("PERF_EVENT_IOC_" + n) for n in ("ENABLE", "DISABLE", "RESET")}
_PERF_FDS = {code("PERF_EVENT_IOC_SET_OUTPUT"), code("PERF_EVENT_IOC_SET_BPF")}


def _perf_query_bpf(c: Ctx, arg: int) -> str:
    """The room for ids at entry (the struct left open), the programs at exit."""
    if not c.exiting:
        data = I.fetch(c, arg, 4)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        return ", {ids_len=%d, " % struct.unpack("<I", data)[0]
    got = None if c.failed else c.read(arg + 4, 4)
    if got is None:
        return "...}"
    count = struct.unpack("<I", got)[0]
    ids = I.mem_array(c, arg + 8, count, 4, lambda d: str(struct.unpack("<I", d)[0]))
    return "prog_cnt=%d, ids=%s}" % (count, ids)


def _perf(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req in _PERF_FLAGS:
        return I.done(c, ", " + flags(u32(arg), PERF_IOC_FLAGS, "PERF_IOC_FLAG_???"))
    if req == code("PERF_EVENT_IOC_REFRESH"):
        return I.done(c, ", %d" % s32(arg))
    if req == code("PERF_EVENT_IOC_PERIOD"):
        return I.done(c, ", " + I.struct(c, arg, "<Q", lambda v: "[%d]" % v))
    if req in _PERF_FDS:
        return I.done(c, ", " + c.fd(s32(arg)))
    if req == code("PERF_EVENT_IOC_PAUSE_OUTPUT"):
        return I.done(c, ", %d" % u64(arg))
    if req == code("PERF_EVENT_IOC_SET_FILTER"):
        return I.done(c, ", " + c.cstr(arg))
    if req == code("PERF_EVENT_IOC_ID"):
        return ", " + I.struct(c, arg, "<Q", lambda v: "[%d]" % v) if c.exiting else ""
    if req == code("PERF_EVENT_IOC_QUERY_BPF"):
        return _perf_query_bpf(c, arg)
    if req == code("PERF_EVENT_IOC_MODIFY_ATTRIBUTES"):
        return I.done(c, ", " + attr_at_entry(c, arg))
    return None


I.FAMILIES[ord("$")] = _perf
I.FAMILIES[ord("i")] = _lirc
I.FAMILIES[ord("I")] = _inotify
I.FAMILIES[ord("R")] = _random
I.FAMILIES[ord("W")] = _watchdog
I.FAMILIES[0xAB] = _nbd
