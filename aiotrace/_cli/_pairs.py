# SPDX-License-Identifier: GPL-2.0-or-later
"""A quiet call's entry and exit as one event, for the printer.

Most calls of a busy program come to the printer as an entry record of the C loop
followed at once by the same call's exit record (nothing happened in between, on any
thread of the family). For the quiet calls (the decoder prints them from their registers
alone: ``getppid()``, ``close(3)``...), the core can make one event of the two
(``Subscription.pairs``, see ``Handoff._convert``): the exit, whose ``captured`` is a
:class:`Paired`, the decoder's capture of the exit with what the entry's was. The
decoder's state after :func:`taker`'s call is what its two captures would have left, and
the printer lays a Paired out as the two stops (:func:`split` gives them back, for the
general path).
"""

from __future__ import annotations

from typing import Any, Callable

from aiotrace import SyscallEntry, SyscallExit

from ._decoder import _NAMES, Decoder, _name
from ._internals import format_entry, format_exit

_NR_RESTART_SYSCALL = 219
_ERESTART_RESTARTBLOCK = 516


class Paired(tuple):  # type: ignore[type-arg]
    """The capture of a call's exit (``(name, entry, args, ret, t0, marks, dump)``), which
    stands for its entry too (``(name, entry)``, at seq - 1 and time t0)."""

    __slots__ = ()


def taker(dec: Decoder) -> Callable[[Any, int, Any], Any] | None:
    """The ``pairs`` taker of *dec*'s stream (None when it has none: a decoder with
    -y, -P, -i, dumps, injections, pid decoding or modes decodes every stop by itself)."""
    if dec.inject or dec.unshown or not dec.after_resume():
        return None
    ins, outs, memo, calls = dec._in, dec._out, dec._memo, dec.calls
    remember = dec._remember

    def pair(ev: Any, t0: int, mem: Any) -> Any:
        nr = ev.nr
        nin = ins.get(nr)
        if nin is None or nr not in outs or nr == _NR_RESTART_SYSCALL or ev.abi != "x86_64":
            return None
        retval = ev.retval
        if retval == -_ERESTART_RESTARTBLOCK:
            return None   # (the decoder notes the call: restart_syscall names it)
        name = _NAMES[nr] if 0 <= nr < 512 else _name(nr)
        args = ev.args
        key = (nr, args[:nin])
        text = memo.get(key)
        if text is None:
            text = remember(key, format_entry(name, args, mem, strsize=dec.strsize,
                                              xflag=dec.xflag))
        done = (key, retval, False)
        got = memo.get(done) or remember(done, format_exit(
            name, args, retval, mem, strsize=dec.strsize, entry_text=text, xflag=dec.xflag,
            success=False))
        dec._ev = ev
        calls.pop(ev.tid, None)
        return Paired((name, text, got[0], got[1], t0, "", None))

    return pair


def split(ev: Any) -> tuple[Any, Any]:
    """The entry and exit events a paired exit stands for, with their captures as the
    decoder makes them one by one."""
    cap = ev.captured
    name, text, _, _, t0 = cap[:5]
    entry = SyscallEntry(ev.pid, ev.tid, ev.seq - 1, t0, ev.nr, ev.args, abi=ev.abi,
                         captured=(name, text))
    exit_ = SyscallExit(ev.pid, ev.tid, ev.seq, ev.time_ns, ev.nr, ev.args, ev.retval,
                        abi=ev.abi, captured=tuple(cap))
    return entry, exit_
