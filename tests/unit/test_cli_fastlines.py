# SPDX-License-Identifier: GPL-2.0-or-later
"""The printer's fast path for the usual syscall stops (_cli._fastlines) against the
general one (TextPrinter.render), on many synthetic calls: the same text, byte for byte,
and the same printer state after each event (no tracee)."""

from __future__ import annotations

import dataclasses
import random

import pytest

# calls decoded from their registers alone, and a few that need memory (none given:
# their decoding shows the addresses), with the threads they interleave on
_CALLS = [(39, (0,) * 6, 5), (3, (3, 0, 0, 0, 0, 0), 0), (3, (99, 0, 0, 0, 0, 0), -9),
          (8, (3, 10, 0, 0, 0, 0), 10), (32, (1, 0, 0, 0, 0, 0), -24),
          (0, (3, 0x7000, 64, 0, 0, 0), -14), (257, (2 ** 64 - 100, 0x7000, 0, 0, 0, 0), -2),
          (231, (0,) * 6, None)]
_OPTIONS = [dict(to_file=True, pid_prefix=True), dict(to_file=False, pid_prefix=False),
            dict(to_file=True, pid_prefix=False), dict(to_file=True, pid_prefix=True, column=5),
            dict(to_file=True, pid_prefix=False, column=80)]


def _events(seed: int, n: int) -> list:
    """Entries and exits of *n* calls on three threads, interleaved at random, with a
    signal, an -e status=-free Exit (a call the thread dies in) and a failed capture now
    and then."""
    from aiotrace import Exit, Signal, SyscallEntry, SyscallExit
    rnd = random.Random(seed)
    evs: list = []
    seq = 0
    open_calls: dict[int, tuple] = {}
    tids = [100, 101, 102]
    while seq < n:
        seq += 1
        tid = rnd.choice(tids)
        call = open_calls.pop(tid, None)
        r = rnd.random()
        if call is None and r < 0.04:
            evs.append(Signal(tid, tid, seq, seq * 1000, signo=17))
        elif call is None:
            nr, args, ret = rnd.choice(_CALLS)
            evs.append(SyscallEntry(tid, tid, seq, seq * 1000, nr=nr, args=args))
            open_calls[tid] = (nr, args, ret)
        elif call[2] is None or r < 0.02:
            evs.append(Exit(tid, tid, seq, seq * 1000, status=0))
        else:
            nr, args, ret = call
            evs.append(SyscallExit(tid, tid, seq, seq * 1000 + 1234, nr=nr, args=args,
                                   retval=ret))
    return evs


def _run(events, fast: bool, kw: dict, durations: bool):
    from aiotrace._cli._decoder import Decoder
    from aiotrace._cli._fastlines import fast_render
    from aiotrace._cli._output import TextPrinter
    from aiotrace._cli._stamps import Stamps
    dec = Decoder()
    p = TextPrinter(follow=True, stamps=Stamps(durations=6 if durations else None), **kw)
    for tid in (100, 101, 102):
        p.add_thread(tid, tid)
    render = fast_render(p, p.render) if fast else p.render
    states = []
    for ev in events:
        cap = dec.capture(ev, None)
        render(dataclasses.replace(ev, captured=cap))
        states.append((p.open, p.col if p.open is not None else None, sorted(p.shown),
                       len(p.out)))
    p.finish()
    return "".join(p.out), states


@pytest.mark.parametrize("kw", _OPTIONS)
@pytest.mark.parametrize("durations", [False, True])
def test_fast_path_prints_what_the_general_one_does(kw, durations):
    for seed in range(6):
        events = _events(seed, 3000)
        fast = _run(events, True, kw, durations)
        assert fast[0].count("\n") > 1000
        assert fast == _run(events, False, kw, durations)


def test_fast_path_on_one_thread_completes_lines():
    """One thread: every call is one line, made by the fast path (entries open it, exits
    close it), with the padding to -a's column."""
    from aiotrace import SyscallEntry, SyscallExit
    events = []
    for i in range(200):
        nr, args, ret = _CALLS[i % 5]
        events.append(SyscallEntry(7, 7, 2 * i, 0, nr=nr, args=args))
        events.append(SyscallExit(7, 7, 2 * i + 1, 0, nr=nr, args=args, retval=ret))
    kw = dict(to_file=True, pid_prefix=True)
    text, _ = _run(events, True, kw, False)
    assert text == _run(events, False, kw, False)[0]
    assert text.splitlines()[:2] == ["7     getpid()".ljust(39) + " = 5",
                                     "7     close(3)".ljust(39) + " = 0"]


def test_fast_path_is_off_for_other_layouts():
    """-n, -i, -Y, -t, -e status= and JSON keep the general path."""
    from aiotrace._cli._fastlines import fast_render
    from aiotrace._cli._output import TextPrinter
    from aiotrace._cli._stamps import Stamps
    for kw in (dict(numbers=True), dict(ips=True), dict(comm=True),
               dict(stamps=Stamps("time", 0)), dict(status=frozenset({"failed"}))):
        p = TextPrinter(to_file=True, pid_prefix=True, **kw)
        assert fast_render(p, p.render) == p.render


# -- a quiet call's two stops as one event (_pairs) -------------------------------------

def _run_paired(events, kw: dict, durations: bool):
    """As the printer gets them with the core's pairs: an entry followed at once by its
    exit, on the same thread, is one paired exit event when the taker takes it."""
    from aiotrace import SyscallEntry, SyscallExit
    from aiotrace._cli._decoder import Decoder
    from aiotrace._cli._fastlines import fast_render
    from aiotrace._cli._output import TextPrinter
    from aiotrace._cli._pairs import Paired, taker
    from aiotrace._cli._stamps import Stamps
    dec = Decoder()
    pair = taker(dec)
    assert pair is not None
    p = TextPrinter(follow=True, stamps=Stamps(durations=6 if durations else None), **kw)
    for tid in (100, 101, 102):
        p.add_thread(tid, tid)
    render = fast_render(p, p.render)
    paired = 0
    i = 0
    while i < len(events):
        ev = events[i]
        nxt = events[i + 1] if i + 1 < len(events) else None
        if (type(ev) is SyscallEntry and type(nxt) is SyscallExit and nxt.tid == ev.tid
                and nxt.nr == ev.nr):
            cap = pair(nxt, ev.time_ns, None)
            if cap is not None:
                assert type(cap) is Paired
                render(dataclasses.replace(nxt, captured=cap))
                paired += 1
                i += 2
                continue
        render(dataclasses.replace(ev, captured=dec.capture(ev, None)))
        i += 1
    p.finish()
    return "".join(p.out), paired, dec


@pytest.mark.parametrize("kw", _OPTIONS)
@pytest.mark.parametrize("durations", [False, True])
def test_paired_calls_print_what_their_two_stops_do(kw, durations):
    for seed in range(6):
        events = _events(seed, 3000)
        text, paired, dec = _run_paired(events, kw, durations)
        assert paired > 100
        assert text == _run(events, False, kw, durations)[0]
        # (the decoder's state: what its captures of each stop leave)
        general = __import__("aiotrace._cli._decoder", fromlist=["Decoder"]).Decoder()
        for ev in events:
            general.capture(ev, None)
        assert sorted(dec.calls) == sorted(general.calls)
        assert dec.interrupted == general.interrupted


def test_paired_calls_on_one_thread_and_their_fallbacks():
    """A quiet call is paired; a call that returns ERESTART_RESTARTBLOCK
    (restart_syscall names it next), one that is not quiet and one of another ABI are
    not (the taker returns None: their stops come as two events)."""
    from aiotrace import SyscallExit
    from aiotrace._cli._decoder import Decoder
    from aiotrace._cli._pairs import taker
    pair = taker(Decoder())
    assert pair is not None
    x = SyscallExit(7, 7, 2, 10, nr=110, args=(0,) * 6, retval=5)
    assert pair(x, 1, None)[:6] == ("getppid", "", "", "5", 1, "")
    assert pair(dataclasses.replace(x, retval=-516), 1, None) is None
    assert pair(dataclasses.replace(x, nr=0), 1, None) is None      # read: not quiet
    assert pair(dataclasses.replace(x, abi="i386", nr=64), 1, None) is None
    for opts in (dict(decode_fds=1), dict(ips=True), dict(paths=frozenset({b"/"})),
                 dict(inject={110: object()}), dict(unshown=frozenset({110}))):
        assert taker(Decoder(**opts)) is None
