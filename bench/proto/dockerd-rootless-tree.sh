#!/bin/sh
# $1 the sid tree; the rest: dockerd's args. Parent: rootlesskit; child: pivot into the tree.
set -e
if [ -z "$_DC_CHILD" ]; then
  export _DC_CHILD=1
  exec rootlesskit --net=slirp4netns --mtu=65520 --disable-host-loopback --port-driver=builtin \
    --copy-up=/etc --copy-up=/run --pidns --state-dir="$XDG_RUNTIME_DIR/rlk" "$0" "$@"
fi
t=$1; shift
disk=$(dirname "$XDG_RUNTIME_DIR")
mount --rbind "$t" "$t"
mount --rbind /dev "$t/dev"
mount -t proc proc "$t/proc"
mount --rbind /sys "$t/sys"
mount -t tmpfs -o mode=0755 tmpfs "$t/run"
mount -t tmpfs -o mode=1777 tmpfs "$t/tmp"
mkdir -p "$t$disk"
mount --rbind "$disk" "$t$disk"
cd "$t"
pivot_root . .old
umount -l /.old
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
exec dockerd "$@"
