/* kvm_run: a virtual machine of one vCPU that runs, in real mode, "out %al, (%dx)" then
 * "hlt": two KVM_RUN ioctls, the first back with KVM_EXIT_IO, the second with
 * KVM_EXIT_HLT, then one that fails (a descriptor that is no vCPU). Exit status 77 when
 * /dev/kvm cannot be used (no KVM here). */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static const unsigned char code[] = {
    0xba, 0xf8, 0x03,   /* mov $0x3f8, %dx */
    0xb0, 0x41,         /* mov $'A', %al */
    0xee,               /* out %al, (%dx) */
    0xf4,               /* hlt */
};

int main(void)
{
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        return 77;
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0)
        return 77;
    unsigned char *mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return 1;
    memcpy(mem, code, sizeof code);
    struct kvm_userspace_memory_region region = {
        .slot = 0, .guest_phys_addr = 0x1000, .memory_size = 0x1000,
        .userspace_addr = (unsigned long) mem,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        return 77;
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (vcpu < 0 || size < (int) sizeof(struct kvm_run))
        return 77;
    struct kvm_run *run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        return 1;
    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
        return 1;
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
        return 1;
    struct kvm_regs regs = { .rip = 0x1000, .rflags = 0x2 };
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
        return 1;
    for (int i = 0; i < 2; i++) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0)
            return 1;
        if (run->exit_reason != (i ? KVM_EXIT_HLT : KVM_EXIT_IO)) {
            fprintf(stderr, "exit_reason %u\n", run->exit_reason);
            return 1;
        }
    }
    ioctl(kvm, KVM_RUN, 0);   /* not a vCPU: fails, no reason */
    return 0;
}
