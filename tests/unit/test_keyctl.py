"""add_key, request_key and keyctl as strace 6.1 prints them (the lines of its tests
keyctl.c, add_key.c, request_key.c and printstrn-umoven.c), in each -X style. Tables, no
tracee: the decoder is given the registers and a fake memory (data at A)."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, call_line
from aiotrace._decode import _style

EINVAL = -errno.EINVAL
EINVAL_TEXT = "-1 EINVAL (Invalid argument)"
EFAULT_TEXT = "-1 EFAULT (Bad address)"
M64 = (1 << 64) - 1
STYLES = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}
# keyctl's commands
GET_KEYRING_ID, UPDATE, CHOWN, SETPERM, DESCRIBE, READ = 0, 2, 4, 5, 6, 11
SET_REQKEY_KEYRING, GET_SECURITY, SESSION_TO_PARENT, REJECT = 14, 17, 18, 19
INSTANTIATE_IOV, DH_COMPUTE, PKEY_QUERY, PKEY_ENCRYPT, PKEY_VERIFY = 20, 23, 24, 25, 28
MOVE, CAPABILITIES = 30, 31


def line(name: str, args: tuple[int, ...], ret: int, data: bytes = b"", *,
         style: str = "abbrev", s: int = 32) -> str:
    return call_line(name, args, ret, data, xstyle=STYLES[style], strsize=s)


PKEY = struct.pack("<iII7I", -2, 3, 4, 0, 0xFACEFEED, 0, 0, 0, 0, 0)
KDF = struct.pack("<QQI8I4x", A + 56, A + 66, 3, 0, 0, 0, 0, 0, 0, 0, 0) + b"hmac(aes)\0ab\0"

# (name, arguments, data at A, return value, style, -s, the line)
LINES = [
    # the special key ids by name, the others in decimal; -X raw and verbose in decimal
    ("keyctl", (GET_KEYRING_ID, M64, 0xBBBBBBBB), b"", 5, "abbrev", 32,
     "keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_THREAD_KEYRING, -1145324613) = 5"),
    ("keyctl", (GET_KEYRING_ID, 0xFFFFFFFA, 1), b"", 5, "verbose", 32,
     "keyctl(0 /* KEYCTL_GET_KEYRING_ID */, -6 /* KEY_SPEC_GROUP_KEYRING */, 1) = 5"),
    ("keyctl", (GET_KEYRING_ID, 0xFFFFFFF8, 1), b"", 5, "raw", 32,
     "keyctl(0, -8, 1) = 5"),
    # an unknown command: its arguments in hex
    ("keyctl", (0xFACEFEED, 1, 2, 0xDEAD, 0), b"", EINVAL, "abbrev", 32,
     "keyctl(0xfacefeed /* KEYCTL_??? */, 0x1, 0x2, 0xdead, 0) = " + EINVAL_TEXT),
    ("keyctl", (0xFACEFEED, 1, 2, 0xDEAD, 0), b"", EINVAL, "raw", 32,
     "keyctl(0xfacefeed, 0x1, 0x2, 0xdead, 0) = " + EINVAL_TEXT),
    # a buffer with its length: one byte past -s is read, or the address is printed
    ("keyctl", (UPDATE, 7, A, 4), b"abcd", EINVAL, "abbrev", 32,
     'keyctl(KEYCTL_UPDATE, 7, "abcd", 4) = ' + EINVAL_TEXT),
    ("keyctl", (UPDATE, 7, A, 5), b"abcd", EINVAL, "abbrev", 2,
     'keyctl(KEYCTL_UPDATE, 7, "ab"..., 5) = ' + EINVAL_TEXT),
    ("add_key", (0, 0, A, 5), b"abcd", -errno.EFAULT, "abbrev", 4,
     "add_key(NULL, NULL, 0x10000, 5, 0) = " + EFAULT_TEXT),
    ("add_key", (A, A, A + 4, 2, M64 - 1), b"abc\0xy", -errno.EFAULT, "abbrev", 4,
     'add_key("abc", "abc", "xy", 2, KEY_SPEC_PROCESS_KEYRING) = ' + EFAULT_TEXT),
    ("request_key", (A, A, 0, 0xFFFFFFF7), b"abc\0", -errno.EFAULT, "abbrev", 4,
     'request_key("abc", "abc", NULL, -9) = ' + EFAULT_TEXT),
    # ids, permissions, error numbers, flags
    ("keyctl", (CHOWN, 1, 0xFFFFFFFF, 0xFFFFFFFE), b"", 0, "abbrev", 32,
     "keyctl(KEYCTL_CHOWN, 1, -1, 4294967294) = 0"),
    ("keyctl", (SETPERM, 1, 0x3F010000 | 0xC0), b"", 0, "abbrev", 32,
     "keyctl(KEYCTL_SETPERM, 1, KEY_POS_VIEW|KEY_POS_READ|KEY_POS_WRITE|KEY_POS_SEARCH"
     "|KEY_POS_LINK|KEY_POS_SETATTR|KEY_USR_VIEW|0xc0) = 0"),
    ("keyctl", (SETPERM, 1, 0xC0), b"", 0, "abbrev", 32,
     "keyctl(KEYCTL_SETPERM, 1, 0xc0 /* KEY_??? */) = 0"),
    ("keyctl", (REJECT, 1, 2, errno.ENOKEY, 3), b"", 0, "abbrev", 32,
     "keyctl(KEYCTL_REJECT, 1, 2, ENOKEY, 3) = 0"),
    ("keyctl", (REJECT, 1, 2, errno.ENOKEY, 3), b"", 0, "verbose", 32,
     "keyctl(0x13 /* KEYCTL_REJECT */, 1, 2, 126 /* ENOKEY */, 3) = 0"),
    ("keyctl", (REJECT, 1, 2, 3000000000, 3), b"", 0, "abbrev", 32,
     "keyctl(KEYCTL_REJECT, 1, 2, 3000000000, 3) = 0"),
    ("keyctl", (SET_REQKEY_KEYRING, M64), b"", 0, "abbrev", 32,
     "keyctl(KEYCTL_SET_REQKEY_KEYRING, KEY_REQKEY_DEFL_NO_CHANGE) = 0"),
    ("keyctl", (SET_REQKEY_KEYRING, 9), b"", EINVAL, "abbrev", 32,
     "keyctl(KEYCTL_SET_REQKEY_KEYRING, 9 /* KEY_REQKEY_DEFL_??? */) = " + EINVAL_TEXT),
    ("keyctl", (SESSION_TO_PARENT, 1, 2), b"", 0, "abbrev", 32,
     "keyctl(KEYCTL_SESSION_TO_PARENT) = 0"),
    ("keyctl", (MOVE, 1, M64, 2, 0xFFFFFFFF), b"", EINVAL, "abbrev", 32,
     "keyctl(KEYCTL_MOVE, 1, KEY_SPEC_THREAD_KEYRING, 2, KEYCTL_MOVE_EXCL|0xfffffffe) = "
     + EINVAL_TEXT),
    ("keyctl", (INSTANTIATE_IOV, 1, 0, M64, 2), b"", EINVAL, "abbrev", 32,
     "keyctl(KEYCTL_INSTANTIATE_IOV, 1, NULL, 18446744073709551615, 2) = " + EINVAL_TEXT),
    ("keyctl", (INSTANTIATE_IOV, 1, A, 1, 2), struct.pack("<QQ", A + 16, 2) + b"hi",
     EINVAL, "abbrev", 32,
     'keyctl(KEYCTL_INSTANTIATE_IOV, 1, [{iov_base="hi", iov_len=2}], 1, 2) = '
     + EINVAL_TEXT),
    # what the kernel writes: at exit, no more than the call returned nor the length;
    # a description's trailing NUL is not shown, a payload's is
    ("keyctl", (DESCRIBE, M64, A, 9), b"a;b\0", 4, "abbrev", 32,
     'keyctl(KEYCTL_DESCRIBE, KEY_SPEC_THREAD_KEYRING, "a;b", 9) = 4'),
    ("keyctl", (GET_SECURITY, M64, A, 9), b"\0", 1, "abbrev", 32,
     'keyctl(KEYCTL_GET_SECURITY, KEY_SPEC_THREAD_KEYRING, "", 9) = 1'),
    ("keyctl", (READ, M64, A, 9), b"a;b\0", 4, "abbrev", 32,
     'keyctl(KEYCTL_READ, KEY_SPEC_THREAD_KEYRING, "a;b\\0", 9) = 4'),
    ("keyctl", (READ, M64, A, 2), b"a;b\0", 4, "abbrev", 32,
     'keyctl(KEYCTL_READ, KEY_SPEC_THREAD_KEYRING, "a;", 2) = 4'),
    ("keyctl", (READ, M64, A, 9), b"", EINVAL, "abbrev", 32,
     "keyctl(KEYCTL_READ, KEY_SPEC_THREAD_KEYRING, 0x10000, 9) = " + EINVAL_TEXT),
    # Diffie-Hellman: the parameters at entry, the result and the KDF at exit
    ("keyctl", (DH_COMPUTE, A, 0, 5, A + 4), struct.pack("<iii", -6, 2, 3), EINVAL,
     "abbrev", 32,
     "keyctl(KEYCTL_DH_COMPUTE, {private=KEY_SPEC_GROUP_KEYRING, prime=2, base=3}, NULL, 5,"
     " 0x10004) = " + EINVAL_TEXT),
    ("keyctl", (DH_COMPUTE, 0, 0, 5, A), KDF, EINVAL, "abbrev", 32,
     'keyctl(KEYCTL_DH_COMPUTE, NULL, NULL, 5, {hashname="hmac(aes)", otherinfo="ab\\0",'
     " otherinfolen=3}) = " + EINVAL_TEXT),
    ("keyctl", (DH_COMPUTE, 0, 0, 5, A), KDF[:16] + struct.pack("<I8I4x", 0, 0, 7, 0, 0, 0,
                                                               0, 0, 0),
     EINVAL, "abbrev", 32,
     "keyctl(KEYCTL_DH_COMPUTE, NULL, NULL, 5, {hashname=0x10038, otherinfo=0x10042,"
     " otherinfolen=0, __spare=[0, 0x7, 0, 0, 0, 0, 0, 0]}) = " + EINVAL_TEXT),
    # public keys: the query's result at exit, its address when the call failed
    ("keyctl", (PKEY_QUERY, M64, 0, A + 4, A), b"\x05\0\0\0x\0" + bytes(42), EINVAL,
     "abbrev", 32,
     'keyctl(KEYCTL_PKEY_QUERY, KEY_SPEC_THREAD_KEYRING, 0, "x", 0x10000) = ' + EINVAL_TEXT),
    ("keyctl", (PKEY_QUERY, M64, 0, 0, A), struct.pack("<II4H10I", 5, 2048, 1, 2, 3, 4,
                                                     *[0] * 10), 0, "abbrev", 32,
     "keyctl(KEYCTL_PKEY_QUERY, KEY_SPEC_THREAD_KEYRING, 0, NULL,"
     " {supported_ops=KEYCTL_SUPPORTS_ENCRYPT|KEYCTL_SUPPORTS_SIGN, key_size=2048,"
     " max_data_size=1, max_sig_size=2, max_enc_size=3, max_dec_size=4}) = 0"),
    ("keyctl", (PKEY_ENCRYPT, A, 0, A + 40, A + 40), PKEY + b"abcdef", 4, "abbrev", 32,
     'keyctl(KEYCTL_PKEY_ENCRYPT, {key_id=KEY_SPEC_PROCESS_KEYRING, in_len=3, out_len=4,'
     ' __spare=[0, 0xfacefeed, 0, 0, 0, 0, 0]}, NULL, "abc", "abcd") = 4'),
    ("keyctl", (PKEY_ENCRYPT, A, 0, A + 40, A + 40), PKEY + b"abcdef", EINVAL, "abbrev", 32,
     'keyctl(KEYCTL_PKEY_ENCRYPT, {key_id=KEY_SPEC_PROCESS_KEYRING, in_len=3, out_len=4,'
     ' __spare=[0, 0xfacefeed, 0, 0, 0, 0, 0]}, NULL, "abc", 0x10028) = ' + EINVAL_TEXT),
    ("keyctl", (PKEY_VERIFY, A, 0, A + 40, A + 41), PKEY + b"abcdef", EINVAL, "abbrev", 32,
     'keyctl(KEYCTL_PKEY_VERIFY, {key_id=KEY_SPEC_PROCESS_KEYRING, in_len=3, in2_len=4,'
     ' __spare=[0, 0xfacefeed, 0, 0, 0, 0, 0]}, NULL, "abc", "bcde") = ' + EINVAL_TEXT),
    ("keyctl", (PKEY_VERIFY, 0, A, 1, 2), b"\0", EINVAL, "abbrev", 32,
     'keyctl(KEYCTL_PKEY_VERIFY, NULL, "", 0x1, 0x2) = ' + EINVAL_TEXT),
    # the capabilities: a byte of each set, then plain bytes
    ("keyctl", (CAPABILITIES, A, 9), b"\x81\x05\x03", 3, "abbrev", 32,
     "keyctl(KEYCTL_CAPABILITIES, [KEYCTL_CAPS0_CAPABILITIES|KEYCTL_CAPS0_MOVE,"
     " KEYCTL_CAPS1_NS_KEYRING_NAME|KEYCTL_CAPS1_NOTIFICATIONS, 0x3], 9) = 3"),
    ("keyctl", (CAPABILITIES, A, 1), b"\x81\x05\x03", 3, "raw", 32,
     "keyctl(0x1f, [0x81], 1) = 3"),
]


@pytest.mark.parametrize("name, args, data, ret, style, s, text", LINES)
def test_keyctl(name, args, data, ret, style, s, text):
    assert line(name, args, ret, data, style=style, s=s) == text
