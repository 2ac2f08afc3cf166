#!/bin/busybox sh
# The guest's /init (busybox sh, in the initramfs that run.py builds): load the modules, make the
# host's / the root (read-only 9p, a tmpfs overlay on top, so writes are the guest's and vanish),
# mount the run directory read-write, run the command there, leave its exit status, power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

RUN=
for word in $(cat /proc/cmdline); do
    case $word in famsock_run=*) RUN=${word#famsock_run=};; esac
done

halt() {  # $1: the status the host reads; $2: why, for the console
    [ -n "$2" ] && echo "famsock-vm: $2"
    [ -n "$RUN" ] && [ -d "/newroot$RUN" ] && echo "$1" > "/newroot$RUN/status"
    sync
    poweroff -f
}

for module in $(cat /modules/order); do
    insmod "/modules/$module.ko" || halt 125 "insmod $module failed"
done
[ -n "$RUN" ] || halt 125 "no famsock_run= on the kernel command line"

mkdir -p /lower /upper /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /lower \
    || halt 125 "cannot mount the host's / (9p)"
mount -t tmpfs -o mode=0755 tmpfs /upper && mkdir -p /upper/data /upper/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work /newroot \
    || halt 125 "cannot mount the overlay"
N=/newroot
mount -t proc proc $N/proc
mount -t sysfs sys $N/sys
mount -t devtmpfs dev $N/dev
mkdir -p $N/dev/pts $N/dev/shm
mount -t devpts devpts $N/dev/pts
mount -t tmpfs tmpfs $N/dev/shm
mount -t tmpfs tmpfs $N/run
mkdir -p "$N$RUN"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 famsockrun "$N$RUN" \
    || halt 125 "cannot mount the run directory $RUN (9p)"
ip link set lo up
hostname famsock-tipc-vm

chroot $N /bin/sh "$RUN/guest.sh" </dev/console >/dev/console 2>&1
halt $? ""
