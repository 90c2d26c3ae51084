/* ioctl_requests: ioctls of several families on descriptor -1 (each fails with EBADF),
 * with arguments in memory: requests by name, with a parameter in the number, without a
 * name; arguments read at entry (structures, arrays, values) and at exit. */
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/gpio.h>
#include <linux/hdreg.h>
#include <linux/input.h>
#include <linux/lirc.h>
#include <linux/loop.h>
#include <linux/nbd.h>
#include <linux/perf_event.h>
#include <linux/ptp_clock.h>
#include <linux/random.h>
#include <linux/rtc.h>
#include <linux/seccomp.h>
#include <linux/watchdog.h>
#include <mtd/ubi-user.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

int main(void)
{
    struct fstrim_range range = {.start = 0xdeadbeef, .len = 4096, .minlen = 512};
    struct fsxattr xattr;
    unsigned char watch[6] = {5, 2, 23, 42, 6, 69};   /* struct counter_watch */
    unsigned char cmd[4] = {0xca, 0xff, 0xee, 0};     /* struct hd_drive_cmd_hdr */
    int reset[3] = {(int) 0xdeadbeef, 0, 0x1234};
    unsigned long value = 1;
    char name[64];
    struct gpiohandle_request handle;
    struct rtc_time tm = {.tm_sec = 1, .tm_min = 2, .tm_hour = 3, .tm_mday = 4, .tm_year = 126};
    unsigned int mode = LIRC_MODE_MODE2;
    struct seccomp_notif_resp resp = {.id = 7, .val = -1, .error = -1,
                                      .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
    struct ubi_map_req ebmap = {.lnum = 5, .dtype = 1};     /* UBI_LONGTERM */
    struct loop_info64 loop = {.lo_offset = 512, .lo_number = 3, .lo_flags = LO_FLAGS_AUTOCLEAR};
    struct fiemap map = {.fm_start = 1, .fm_length = 4096, .fm_flags = FIEMAP_FLAG_SYNC,
                         .fm_extent_count = 2};
    int inode_flags = FS_IMMUTABLE_FL | FS_NOATIME_FL;
    struct ff_effect effect;
    struct input_absinfo abs = {.value = 1, .minimum = -2, .maximum = 3};
    unsigned int keycode[2] = {9, KEY_A};
    struct ptp_extts_request extts = {.index = 1, .flags = PTP_ENABLE_FEATURE};
    struct ptp_perout_request perout = {.start = {.sec = 1700000000, .nsec = 5},
                                        .period = {.sec = 1}, .flags = PTP_PEROUT_ONE_SHOT};
    struct gpio_v2_line_values values = {.bits = 0xcafe, .mask = 0xbabe};

    memset(&xattr, 0, sizeof(xattr));
    xattr.fsx_xflags = FS_XFLAG_IMMUTABLE | FS_XFLAG_HASATTR;
    xattr.fsx_projid = 0xabcd;
    memset(&effect, 0, sizeof(effect));
    effect.type = FF_RUMBLE;
    effect.id = -1;
    effect.u.rumble.strong_magnitude = 100;
    memset(&handle, 0, sizeof(handle));
    handle.lines = 2;
    handle.lineoffsets[0] = 18;
    handle.lineoffsets[1] = 35;
    handle.flags = GPIOHANDLE_REQUEST_ACTIVE_LOW;
    strcpy(handle.consumer_label, "consumer");

    ioctl(-1, FIFREEZE, 0);
    ioctl(-1, FITRIM, &range);
    ioctl(-1, FITRIM, NULL);
    ioctl(-1, FS_IOC_FSSETXATTR, &xattr);
    ioctl(-1, FS_IOC_FSGETXATTR, &xattr);
    ioctl(-1, _IOW(0x3e, 0, unsigned char[6]), watch);     /* COUNTER_ADD_WATCH_IOCTL */
    ioctl(-1, _IO(0x3e, 1), 0);                            /* COUNTER_ENABLE_EVENTS_IOCTL */
    ioctl(-1, HDIO_DRIVE_CMD, cmd);
    ioctl(-1, HDIO_DRIVE_RESET, reset);
    ioctl(-1, HDIO_SET_NICE, 0x1fUL);
    ioctl(-1, HDIO_SET_DMA, 0xfacefeeddeadbeefUL);
    ioctl(-1, HDIO_GET_DMA, &value);
    ioctl(-1, HDIO_GET_QDMA, 0xbadc0dedUL);
    ioctl(-1, EVIOCGNAME(sizeof(name)), name);
    ioctl(-1, EVIOCGBIT(EV_KEY, sizeof(name)), name);
    ioctl(-1, EVIOCSFF, &effect);
    ioctl(-1, EVIOCSABS(ABS_Y), &abs);
    ioctl(-1, EVIOCSKEYCODE, keycode);
    ioctl(-1, EVIOCGRAB, 1UL);
    ioctl(-1, FS_IOC_FIEMAP, &map);
    ioctl(-1, FS_IOC_SETFLAGS, &inode_flags);
    ioctl(-1, FS_IOC_GETFLAGS, &inode_flags);
    ioctl(-1, PTP_EXTTS_REQUEST, &extts);
    ioctl(-1, PTP_PEROUT_REQUEST, &perout);
    ioctl(-1, PTP_ENABLE_PPS, 1UL);
    ioctl(-1, RNDADDTOENTCNT, &inode_flags);
    ioctl(-1, WDIOC_KEEPALIVE, 0);
    ioctl(-1, NBD_SET_FLAGS, NBD_FLAG_READ_ONLY | NBD_FLAG_SEND_TRIM);
    ioctl(-1, RTC_SET_TIME, &tm);
    ioctl(-1, RTC_UIE_ON, 0);
    ioctl(-1, LIRC_SET_REC_MODE, &mode);
    strcpy((char *) loop.lo_file_name, "/tmp/image");
    ioctl(-1, LOOP_SET_STATUS64, &loop);
    ioctl(-1, LOOP_CTL_ADD, 5);
    ioctl(-1, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    ioctl(-1, BLKRASET, 256UL);
    ioctl(-1, BLKDISCARD, range.len ? &range : NULL);
    ioctl(-1, UBI_IOCEBMAP, &ebmap);
    ioctl(-1, PERF_EVENT_IOC_SET_FILTER, "filter");
    ioctl(-1, GPIO_GET_LINEHANDLE_IOCTL, &handle);
    ioctl(-1, GPIO_V2_LINE_SET_VALUES_IOCTL, &values);
    ioctl(-1, _IOC(_IOC_READ | _IOC_WRITE, 0xab, 0xcd, 16), 0);
    ioctl(-1, _IO(0x4b, 0), 0);
    return 0;
}
