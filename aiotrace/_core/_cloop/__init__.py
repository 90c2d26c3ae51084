"""The C fast path, as a layer: the tracer thread's loop in C (aiotrace/_core/_cloop/_accel_*.c)
and the Python that keeps it one state machine with the rest of the core.

Python owns the whole state machine; the C loop handles a subset of the stops (syscall
stops nobody needs Python for) without the GIL, and hands everything else back. What it
needs to know of each thread is its *slot* (``struct at_slot``), which Python keeps in
step (``_slots``); what it needs to know of each family's streams is a table per syscall
(``Family.publish``); what it made is read back by the hand-off (``_handoff.convert``) and
by its loop here (``_loop``). Without the C library, the same objects do nothing
(``Slots``, the base class), and ``_core._loop`` runs instead.
"""
