# SPDX-License-Identifier: GPL-2.0-or-later
"""-e kvm=vcpu: after a KVM_RUN that succeeded, why the virtual CPU came back, as strace
6.1 prints it after the return value: ``ioctl(5, KVM_RUN, 0) = 0 (KVM_EXIT_IO)``.

Kernel facts: a vCPU's descriptor reads as ``anon_inode:kvm-vcpu:N`` in /proc/PID/fd, and
the process maps its ``struct kvm_run`` from it (a mapping of that name on a device of
major 0 in /proc/PID/maps); exit_reason is its u32 at offset 8. Read at the exit stop;
what cannot be found or read adds nothing, as in strace."""

from __future__ import annotations

import os
import struct
from typing import Any

from ._internals import kvm_tables, proc_dir

KVM_RUN = 0xAE80            # _IO(KVMIO, 0x80)
_KVM_RUN_SIZE = 2352        # sizeof(struct kvm_run): a mapping must hold it
_EXIT_REASON = 8
_VCPU = "anon_inode:kvm-vcpu:"


def _mapping(proc: str | int, name: str) -> tuple[int, int] | None:
    """(start, end) of the first mapping of file *name* on a device of major 0."""
    with open("/proc/%s/maps" % proc) as f:
        for line in f:
            fields = line.split(None, 5)
            if len(fields) == 6 and fields[5].rstrip("\n") == name \
                    and fields[3].split(":")[0] == "00":
                start, end = fields[0].split("-")
                return int(start, 16), int(end, 16)
    return None


def exit_reason(tid: int, fd: int, mem: Any) -> str | None:
    """The exit reason of the vCPU of descriptor *fd* of thread *tid* (its memory *mem*),
    or None."""
    proc = proc_dir(tid)
    if proc is None or not 0 <= fd < 0x80000000:
        return None
    try:
        link = os.readlink("/proc/%s/fd/%d" % (proc, fd))
        if not link.startswith(_VCPU) or not link[len(_VCPU):].isdigit():
            return None
        got = _mapping(proc, link)
        if got is None or got[1] - got[0] < _KVM_RUN_SIZE:
            return None
        raw = mem.read(got[0] + _EXIT_REASON, 4)
    except (OSError, ValueError):
        return None
    if len(raw) < 4:
        return None
    return kvm_tables.KVM_EXIT_REASONS.get(struct.unpack("<I", raw)[0], "KVM_EXIT_???")
