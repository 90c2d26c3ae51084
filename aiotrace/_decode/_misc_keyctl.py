# SPDX-License-Identifier: GPL-2.0-or-later
"""add_key, request_key and keyctl, as strace 6.1 prints them.

A key or keyring id (key_serial_t) is printed in decimal, or by the name of the special
ids (``KEY_SPEC_SESSION_KEYRING``). keyctl's command says what its four other arguments
are: most commands are a row of ``_SIMPLE``, one printer per argument it prints, all at
entry; the commands that read what the kernel wrote (the description or payload of a key,
the result of a Diffie-Hellman computation or of a public key operation, the
capabilities) are printed by functions of their own, part at entry, the rest at exit. An
unknown command prints its four arguments in hex.
"""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _xlat_keyctl as XK
from ._ctx import Ctx
from ._misc import array
from ._quote import quote
from ._structs import iovec_array
from ._style import RAW, combine
from ._style import get as _style_now
from ._xlat import ERRNO_NAMES, flags, hexa, ptr, s32, u32, xval
from ._kinds import Spec

Arg = Callable[[Ctx, int], str]   # (ctx, the argument's value) -> its text


def named_decimal(v: int, table: dict[int, str], unknown: Optional[str]) -> str:
    """A value named in *table*, printed in decimal when it has no name (with the
    *unknown* comment, where there is one) and in -X raw and verbose."""
    name = table.get(v)
    if name is not None:
        return combine(str(v), name) if _style_now() else name
    if unknown is None or _style_now() == RAW:
        return str(v)
    return "%d /* %s */" % (v, unknown)


def key_serial(v: int) -> str:
    """A key_serial_t: a key id, or a special keyring's name."""
    return named_decimal(s32(v), XK.KEY_SPEC, None)


def _errno(v: int) -> str:
    """An error number (KEYCTL_REJECT's): its name, or the number."""
    return combine(str(v), ERRNO_NAMES.get(v))


def _uid(v: int) -> str:
    v = u32(v)
    return "-1" if v == 0xFFFFFFFF else str(v)


def strn(c: Ctx, addr: int, length: int, *, kept: bool = False) -> str:
    """A buffer of *length* bytes, as strace's printstrn: up to -s bytes shown, and the
    one after them read too (its address when that cannot be read). *kept*: its last
    byte shown, when a NUL, is left out (the description and security label the kernel
    writes end with one)."""
    if addr == 0:
        return "NULL"
    n = min(length, c.strsize)
    data = c.read(addr, min(length, c.strsize + 1))
    if data is None:
        return hexa(addr)
    data = data[:n]
    if kept and data.endswith(b"\0"):
        data = data[:-1]
    return quote(data, truncated=length > c.strsize, xflag=c.xflag)


# -- the arguments' printers, for the rows -----------------------------------------

def _key(c: Ctx, v: int) -> str:
    return key_serial(v)


def _str(c: Ctx, v: int) -> str:
    return c.cstr(v)


def _dec(c: Ctx, v: int) -> str:
    return str(s32(v))


def _udec(c: Ctx, v: int) -> str:
    return str(u32(v))


def _ulong(c: Ctx, v: int) -> str:
    return str(v)


# Arguments 2 to 5 of the commands printed at entry, each by its printer. A printer
# of a buffer is given the argument's index (its length is the next argument).
def _buf(c: Ctx, i: int) -> str:
    return strn(c, c.args[i], c.args[i + 1])


def _iov(c: Ctx, i: int) -> str:
    return iovec_array(c, c.args[i], c.args[i + 1], None) if c.args[i + 1] < 1 << 20 \
        else ptr(c.args[i])


_BUFFERS: dict[str, Arg] = {"buf": _buf, "iov": _iov}
_PRINTERS: dict[str, Arg] = {
    "key": _key, "str": _str, "int": _dec, "uint": _udec, "ulong": _ulong,
    "uid": lambda c, v: _uid(v), "errno": lambda c, v: _errno(u32(v)),
    "perm": lambda c, v: flags(u32(v), XK.KEY_PERMS, "KEY_???"),
    "move": lambda c, v: flags(u32(v), XK.KEYCTL_MOVE_FLAGS, "KEYCTL_MOVE_???"),
    "reqkey": lambda c, v: named_decimal(s32(v), XK.KEY_REQKEYS, "KEY_REQKEY_DEFL_???"),
}

_SIMPLE: dict[str, str] = {
    "KEYCTL_GET_KEYRING_ID": "key int",
    "KEYCTL_JOIN_SESSION_KEYRING": "str",
    "KEYCTL_UPDATE": "key buf ulong",
    "KEYCTL_REVOKE": "key", "KEYCTL_CLEAR": "key", "KEYCTL_INVALIDATE": "key",
    "KEYCTL_ASSUME_AUTHORITY": "key",
    "KEYCTL_LINK": "key key", "KEYCTL_UNLINK": "key key",
    "KEYCTL_SEARCH": "key str str key",
    "KEYCTL_CHOWN": "key uid uid",
    "KEYCTL_SETPERM": "key perm",
    "KEYCTL_INSTANTIATE": "key buf ulong key",
    "KEYCTL_INSTANTIATE_IOV": "key iov ulong key",
    "KEYCTL_NEGATE": "key uint key",
    "KEYCTL_REJECT": "key uint errno key",
    "KEYCTL_SET_REQKEY_KEYRING": "reqkey",
    "KEYCTL_SET_TIMEOUT": "key uint",
    "KEYCTL_SESSION_TO_PARENT": "",
    "KEYCTL_GET_PERSISTENT": "uid key",
    "KEYCTL_RESTRICT_KEYRING": "key str str",
    "KEYCTL_MOVE": "key key key move",
}


def _simple(c: Ctx, words: str) -> str:
    parts = []
    for i, word in enumerate(words.split(), 1):
        buf = _BUFFERS.get(word)
        parts.append(buf(c, i) if buf is not None else _PRINTERS[word](c, c.args[i]))
    return "".join(", " + p for p in parts)


# -- the commands printed at entry and at exit -----------------------------------

def _spare(values: tuple[int, ...]) -> list[str]:
    """``__spare=[...]`` when any of the reserved words is not zero."""
    if not any(values):
        return []
    return ["__spare=[%s]" % ", ".join(hexa(v) for v in values)]


def _read_entry(c: Ctx) -> str:
    return ", " + key_serial(c.args[1]) + ", "


def _read_exit(c: Ctx) -> str:
    """KEYCTL_READ, DESCRIBE, GET_SECURITY: what the kernel wrote, at most the length."""
    addr, length = c.args[2], c.args[3]
    if c.failed:
        shown = ptr(addr)
    else:
        n = min(c.retval or 0, length)
        shown = strn(c, addr, n) if XK.KEYCTL_COMMANDS.get(s32(c.args[0])) == "KEYCTL_READ" \
            else strn(c, addr, n, kept=True)
    return "%s, %d" % (shown, length)


def _dh_params(c: Ctx, addr: int) -> str:
    return c.fields(addr, "<iii", lambda priv, prime, base: "{private=%s, prime=%s, base=%s}"
                    % (key_serial(priv), key_serial(prime), key_serial(base)))


def _dh_entry(c: Ctx) -> str:
    return ", " + _dh_params(c, c.args[1]) + ", "


_KDF = struct.Struct("<QQI8I4x")   # struct keyctl_kdf_params


def _kdf(c: Ctx, addr: int) -> str:
    data = c.read(addr, _KDF.size) if addr else None
    if data is None:
        return ptr(addr)
    hashname, info, infolen, *spare = _KDF.unpack(data)
    fields = ["hashname=" + c.cstr(hashname),
              "otherinfo=" + (strn(c, info, infolen) if infolen else ptr(info)),
              "otherinfolen=%d" % infolen]
    return "{%s}" % ", ".join(fields + _spare(tuple(spare)))


def _dh_exit(c: Ctx) -> str:
    addr, length = c.args[2], c.args[3]
    shown = ptr(addr) if c.failed else strn(c, addr, min(c.retval or 0, length))
    return "%s, %d, %s" % (shown, length, _kdf(c, c.args[4]))


def _query_entry(c: Ctx) -> str:
    return ", %s, %s, %s, " % (key_serial(c.args[1]), hexa(c.args[2]), c.cstr(c.args[3]))


def _query_exit(c: Ctx) -> str:
    if c.failed:
        return ptr(c.args[4])
    def render(ops: int, key_size: int, *v: int) -> str:
        fields = ["supported_ops=" + flags(ops, XK.KEYCTL_PKEY_OPS, "KEYCTL_SUPPORTS_???"),
                  "key_size=%d" % key_size, "max_data_size=%d" % v[0],
                  "max_sig_size=%d" % v[1], "max_enc_size=%d" % v[2],
                  "max_dec_size=%d" % v[3]]
        return "{%s}" % ", ".join(fields + _spare(v[4:]))
    return c.fields(c.args[4], "<II4H10I", render)


def _pkey_entry(c: Ctx, out: bool) -> str:
    """KEYCTL_PKEY_ENCRYPT, DECRYPT, SIGN (*out*: the kernel writes the 4th buffer, its
    size out_len) and VERIFY (two input buffers)."""
    p = c.unpack("<iII7I", c.args[1]) if c.args[1] else None
    if p is None:
        params = ptr(c.args[1])
    else:
        key_id, in_len, len2, *spare = p
        params = "{%s}" % ", ".join(["key_id=" + key_serial(key_id), "in_len=%d" % in_len,
                                     ("out_len=%d" if out else "in2_len=%d") % len2]
                                    + _spare(tuple(spare)))
    text = ", %s, %s, %s, " % (params, c.cstr(c.args[2]),
                              ptr(c.args[3]) if p is None else strn(c, c.args[3], p[1]))
    if out and p is not None:
        c.saved["keyctl_out"] = p[2]
        return text
    return text + (ptr(c.args[4]) if p is None else strn(c, c.args[4], p[2]))


def _pkey_exit(c: Ctx) -> str:
    n = c.saved.get("keyctl_out")
    if n is None:
        return ""
    return ptr(c.args[4]) if c.failed else strn(c, c.args[4], n)


def _caps_exit(c: Ctx) -> str:
    addr, length = c.args[1], c.args[2]
    if c.failed:
        return "%s, %d" % (ptr(addr), length)
    tables = ((XK.KEYCTL_CAPS0, "KEYCTL_CAPS0_???"), (XK.KEYCTL_CAPS1, "KEYCTL_CAPS1_???"))
    pos = [0]

    def render(b: bytes) -> str:
        k = pos[0]
        pos[0] += 1
        return flags(b[0], *tables[k]) if k < len(tables) else hexa(b[0])
    return "%s, %d" % (array(c, addr, min(length, c.retval or 0), 1, render), length)


# command -> (its text at entry, after the command; what it adds at exit)
_SPLIT: dict[str, tuple[Callable[[Ctx], str], Callable[[Ctx], str]]] = {
    "KEYCTL_DESCRIBE": (_read_entry, _read_exit),
    "KEYCTL_READ": (_read_entry, _read_exit),
    "KEYCTL_GET_SECURITY": (_read_entry, _read_exit),
    "KEYCTL_DH_COMPUTE": (_dh_entry, _dh_exit),
    "KEYCTL_PKEY_QUERY": (_query_entry, _query_exit),
    "KEYCTL_PKEY_ENCRYPT": (lambda c: _pkey_entry(c, True), _pkey_exit),
    "KEYCTL_PKEY_DECRYPT": (lambda c: _pkey_entry(c, True), _pkey_exit),
    "KEYCTL_PKEY_SIGN": (lambda c: _pkey_entry(c, True), _pkey_exit),
    "KEYCTL_PKEY_VERIFY": (lambda c: _pkey_entry(c, False), lambda c: ""),
    "KEYCTL_CAPABILITIES": (lambda c: ", ", _caps_exit),
}


def _keyctl_entry(c: Ctx) -> str:
    cmd = s32(c.args[0])
    name = XK.KEYCTL_COMMANDS.get(cmd)
    head = xval(u32(cmd), XK.KEYCTL_COMMANDS, "KEYCTL_???")
    split = _SPLIT.get(name or "")
    if split is not None:
        return head + split[0](c)
    words = _SIMPLE.get(name or "")
    if words is None:
        return head + "".join(", " + hexa(v) for v in c.args[1:5])
    return head + _simple(c, words)


def _keyctl_exit(c: Ctx, entry: str) -> str:
    split = _SPLIT.get(XK.KEYCTL_COMMANDS.get(s32(c.args[0])) or "")
    return entry if split is None else entry + split[1](c)


def _add_key(c: Ctx) -> str:
    a = c.args
    return "%s, %s, %s, %d, %s" % (c.cstr(a[0]), c.cstr(a[1]), strn(c, a[2], a[3]), a[3],
                                   key_serial(a[4]))


def _request_key(c: Ctx) -> str:
    a = c.args
    return "%s, %s, %s, %s" % (c.cstr(a[0]), c.cstr(a[1]), c.cstr(a[2]), key_serial(a[3]))


DECODERS = {
    "add_key": Spec(entry=_add_key),
    "request_key": Spec(entry=_request_key),
    "keyctl": Spec(entry=_keyctl_entry, exit=_keyctl_exit),
}
