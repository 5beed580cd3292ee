#!/bin/sh
# dockerd-rootless-tree.sh TREE DOCKERD-ARGS…: Docker from the engine matrix's sid tree, rootless.
# As the grading user (in its jail): rootlesskit makes the user, mount, pid and network
# namespaces (slirp4netns, builtin port driver) and runs this script again as its child, which
# pivots into TREE (read-only, root's) and starts the tree's dockerd there. The engine's disk
# ($XDG_RUNTIME_DIR's parent, under /var/tmp, /tmp or /run) is bound back at its own path, so
# the socket, rootlesskit's state folder and the data-root keep the names the grader knows.
set -e
if [ -z "$_DCOURSE_TREE_CHILD" ]; then
  export _DCOURSE_TREE_CHILD=1
  exec rootlesskit --net=slirp4netns --mtu=65520 --disable-host-loopback --port-driver=builtin \
    --copy-up=/etc --copy-up=/run --pidns --state-dir="$XDG_RUNTIME_DIR/rootlesskit" "$0" "$@"
fi
t=$1
shift
disk=$(dirname "$XDG_RUNTIME_DIR")
mount --rbind "$t" "$t"
mount --rbind /dev "$t/dev"
mount -t proc proc "$t/proc"
mount --rbind /sys "$t/sys"
mount -t tmpfs -o mode=0755 tmpfs "$t/run"
mount -t tmpfs -o mode=1777 tmpfs "$t/tmp"
mount -t tmpfs -o mode=1777 tmpfs "$t/var/tmp"
mkdir -p "$t$disk"
mount --rbind "$disk" "$t$disk"
cd "$t"
mkdir tmp/.old  # on the tmpfs: the tree itself is not the user's to write
pivot_root . tmp/.old
umount -l /tmp/.old
rmdir /tmp/.old
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
exec dockerd "$@"
