# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl against strace: the names of the requests (with a parameter in the number, or
none: ``_IOC(...)``) and the arguments of the families aiotrace decodes, in each ``-X``
style (tests/targets/ioctl_requests.c)."""

from __future__ import annotations

import pytest

from cli_helpers import aiotrace, comparable, needs_strace, strace, unpad

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


@needs_strace
@pytest.mark.parametrize("style", [[], ["-X", "raw"], ["-X", "verbose"], ["-v"]],
                         ids=["abbrev", "raw", "verbose", "v"])
def test_ioctl_requests_like_strace(style, target):
    argv = [target("ioctl_requests")]
    opts = [*style, "-e", "trace=ioctl", "-qq"]
    a = aiotrace("run", *opts, "--", *argv)
    s = strace(*opts, *argv)
    assert a.returncode == s.returncode == 0
    ours = [unpad(ln) for ln in comparable(a.stderr)]
    assert ours == [unpad(ln) for ln in comparable(s.stderr)]
    assert len(ours) == 42 and all(ln.startswith("ioctl(-1, ") for ln in ours)


@needs_strace
@pytest.mark.parametrize("kvm", [["-e", "kvm=vcpu"], []], ids=["kvm=vcpu", "plain"])
def test_kvm_run_exit_reason_like_strace(kvm, target):
    """-e kvm=vcpu: a KVM_RUN that succeeded prints why the vCPU came back, read from
    the struct kvm_run the program mapped (tests/targets/kvm_run.c); without it, or for
    a KVM_RUN that failed, nothing."""
    import os
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        pytest.skip("no /dev/kvm")
    argv = [target("kvm_run")]
    opts = [*kvm, "-e", "trace=ioctl", "-e", "signal=none", "-qq"]
    a = aiotrace("run", *opts, "--", *argv)
    if a.returncode == 77:
        pytest.skip("KVM cannot run a virtual machine here")
    s = strace(*opts, *argv)
    assert a.returncode == s.returncode == 0, a.stderr
    ours = [unpad(ln) for ln in comparable(a.stderr)]
    assert ours == [unpad(ln) for ln in comparable(s.stderr)]
    runs = [ln for ln in ours if "KVM_RUN" in ln]
    reasons = [" (KVM_EXIT_IO)", " (KVM_EXIT_HLT)"] if kvm else ["", ""]
    assert runs == ["ioctl(5, KVM_RUN, 0) = 0" + r for r in reasons] + [
        "ioctl(3, KVM_RUN, 0) = -1 EINVAL (Invalid argument)"], runs


def test_kvm_option_takes_vcpu_only(tmp_path):
    """-e kvm= knows vcpu alone: anything else is refused, and nothing runs."""
    a = aiotrace("run", "-e", "kvm=cpu", "--", "touch", str(tmp_path / "ran"))
    assert a.returncode != 0 and "kvm=" in a.stderr and "vcpu" in a.stderr
    assert not (tmp_path / "ran").exists()
