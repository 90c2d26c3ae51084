# SPDX-License-Identifier: GPL-2.0-or-later
"""The ``aiotrace`` command (``python -m aiotrace``): strace's options and output, on
aiotrace's public API. See docs/cli.md.

One module per job, in the order a run goes through them:

- ``_progname``: the name the command was invoked by, which begins its messages, as
  strace's begin with its ``argv[0]``.
- ``_main``: ``main()``, the entry point: reads the options, opens the output, runs the
  session, exits the way the program did.
- ``_daemon``: ``-D``/``-DD``/``-DDD``: the tracer as a detached grandchild, the program
  in the command's own process.
- ``_args``: strace's option grammar (getopt's rules): the usage text, ``Options``,
  ``parse_args``; ``_usage``: its ``-h`` text.
- ``_filter``: the sets of ``-e trace=``, ``signal=``, ``status=``, ``quiet=``, with
  strace's system call classes.
- ``_unnamed``: the calls after strace 6.1, printed by number as strace 6.1 prints them.
- ``_session``: one run: the decoder, the printer and the engines the options make, the
  stream they read, the output written out in batches.
- ``_init``: aiotrace as the first process of a PID namespace (``unshare -Urpf``), which
  must reap the orphans it inherits.
- ``_run``: ``aiotrace run`` and ``aiotrace attach``: spawn or attach, signals, Ctrl-C.
- ``_decoder``: the tracer-thread half of the printer, ``Decoder.capture``: each stop
  decoded at the stop.
- ``_pairs``: a quiet call's entry and exit taken as one event.
- ``_modes``: ``-X``, ``-v``, ``-e abbrev=``/``verbose=``/``raw=``, call by call.
- ``_dump``: ``-e read=``/``write=``: the bytes a call moved, as hex dump lines.
- ``_pathsets``: ``-P``'s rules for the descriptors of select's sets, poll's arrays and
  fsconfig's commands.
- ``_kvm``: ``-e kvm=vcpu``: why KVM_RUN's virtual CPU came back.
- ``_output``: the event-loop half of the printer: strace's layout of the lines, and
  ``--json``.
- ``_fastlines``: the usual lines (an entry, then its exit) laid out without the
  general dispatch.
- ``_stamps``: ``-t``, ``-r``, ``-T`` and their precisions.
- ``_pipe``: ``-o '|COMMAND'``, and the standard descriptors let go of once the program
  runs.
- ``_summary``: ``-c``/``-C`` with ``-S`` (sort key) and ``-U`` (columns).
- ``_probes``: ``--probe`` (function calls, as ltrace prints them) and ``-k`` (stack
  traces, as strace's).
- ``_internals``: all the command takes from aiotrace's private modules (the system call
  table, strace's decoder, three system calls), in one place.
"""

import gc as _gc

# The command's modules are imported with the cyclic collector paused: they make objects
# that live as long as the process (modules, classes, functions, tables), which the
# collections the imports set off walked again and again, for nothing (about 6 ms of
# the CPU time of `aiotrace run -- true`; issue 24). main() does the same for the event
# loop's modules. Started again as it was, the collector would walk at once all that the
# imports made, still counted as new (one collection of about 5 ms): first it is moved to
# the oldest generation, which freeze() then unfreeze() do without walking it (unless
# the program has objects frozen of its own, which unfreeze() would let go).
_collecting = _gc.isenabled()
_gc.disable()
try:
    from ._main import command as command, main as main
finally:
    if _collecting:
        if _gc.get_freeze_count() == 0:
            _gc.freeze()
            _gc.unfreeze()
        _gc.enable()
    del _collecting

__all__ = ["command", "main"]
