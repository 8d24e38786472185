#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# tests/vm/run-in-vm.sh CMD...: run CMD as root, in the current directory, inside a
# throw-away QEMU guest (TCG) booted from an installed Debian kernel that ships
# wireguard.ko, so that the kernel WireGuard backend is the one used. The guest's root
# is the host's / shared read-only over virtio-9p under a tmpfs overlay: nothing the
# guest writes reaches the host. Exports CMD's stdout and stderr (live) and its exit
# status; 124 when QEMU timed out, 125 when the guest ended without a status (the
# console log is printed then), 77 when QEMU or a suitable kernel is missing.
#
# Settings (environment): WGQ_VM_KERNEL (a kernel version, default the newest usable),
# WGQ_VM_TIMEOUT (seconds, default 1500), WGQ_VM_MEM (MiB, default 512), WGQ_VM_SMP
# (default 1), WGQ_VM_APPEND (more kernel parameters), WGQ_VM_CACHE (where the
# vmlinux and initramfs are kept, default $XDG_CACHE_HOME/wgq-vm), WGQ_VM_CONSOLE (keep
# the console log at this path), WGQ_VM_SHARE (a host directory the guest may write to,
# at the same path).
set -uo pipefail

SELF=$(readlink -f "$0")
SHARE_MNT=/run/wgq-vm

# Loaded before the root is mounted (9p, overlay) and for the tests; everything else
# loads on demand through the host's modprobe on the shared root.
MODULES="virtio_pci 9pnet_virtio 9p overlay wireguard tun veth nf_tables nf_conntrack
	nft_ct nft_fib_ipv4 nft_fib_ipv6 nft_fib_inet"

# Expedited RCU grace periods: under TCG a normal one takes ~12 ms, and deleting a
# WireGuard link waits for one per peer (2 minutes for 10 000 peers instead of 1 s).
KERNEL_ARGS="rcupdate.rcu_expedited=1"

die() { echo "run-in-vm: $*" >&2; exit 1; }
skip() { echo "skipped: $*" >&2; exit 77; }

# --- guest side: PID 1 after switch_root --------------------------------------------

# guest_main DIR: run the command described in the shared DIR, then power off.
guest_main() {
	local dir=$1 cwd rc envv=() argv=()

	mkdir -p /dev/pts && mount -t devpts -o mode=0620,ptmxmode=0666 devpts /dev/pts
	mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm
	ln -sf /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	if [ -s "$dir/share" ]; then
		mkdir -p "$(cat "$dir/share")"
		mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 wgqshare "$(cat "$dir/share")"
	fi
	cwd=$(cat "$dir/cwd")
	mapfile -d '' -t envv <"$dir/env"
	mapfile -d '' -t argv <"$dir/argv"
	(cd "$cwd" && exec env -i "${envv[@]}" "${argv[@]}") \
		</dev/null >>"$dir/stdout" 2>>"$dir/stderr"
	rc=$?
	echo "$rc" >"$dir/status"
	sync
	exec "$(cat "$dir/busybox")" poweroff -f
}

# --- host side ----------------------------------------------------------------------

# A busybox that runs without a dynamic loader (it becomes the initramfs).
find_busybox() {
	local b
	for b in /bin/busybox /usr/bin/busybox "$(command -v busybox 2>/dev/null)"; do
		[ -x "$b" ] || continue
		case $(LC_ALL=C ldd "$b" 2>&1) in
		*"not a dynamic executable"*) echo "$b"; return ;;
		esac
	done
}

# usable KVER: modprobe knows every module we need for that kernel.
usable() {
	local m
	[ -r "/boot/vmlinuz-$1" ] || return 1
	for m in $MODULES; do
		modprobe -S "$1" --show-depends "$m" >/dev/null 2>&1 || return 1
	done
}

find_kernel() {
	local v
	if [ -n "${WGQ_VM_KERNEL:-}" ]; then
		usable "$WGQ_VM_KERNEL" && echo "$WGQ_VM_KERNEL"
		return
	fi
	for v in $(ls /boot 2>/dev/null | sed -n 's/^vmlinuz-//p' | sort -rV); do
		usable "$v" && { echo "$v"; return; }
	done
}

# unpack FORMAT: decompress standard input (busybox stands in for a missing xz or gzip).
unpack() {
	if command -v "$1" >/dev/null; then
		"$1" -dc
	elif [ "$1" != zstd ]; then
		"$BUSYBOX" "$1" -dc
	else
		return 1
	fi
}

# extract_vmlinux BZIMAGE OUT: the uncompressed ELF kernel inside a bzImage (the
# payload is the first stream whose decompression starts with an ELF header).
extract_vmlinux() {
	local magic off
	for magic in '\xfd7zXZ\x00:xz' '\x28\xb5\x2f\xfd:zstd' '\x1f\x8b\x08:gzip'; do
		for off in $(LC_ALL=C grep -obUaP "${magic%:*}" "$1" | cut -d: -f1 | head -n 5); do
			tail -c +$((off + 1)) "$1" | unpack "${magic##*:}" 2>/dev/null >"$2"
			[ "$(head -c 4 "$2" | od -An -c | tr -d ' ')" = '177ELF' ] && return 0
		done
	done
	rm -f "$2"
	return 1
}

# The initramfs /init: mount the host's root (read-only 9p) under a tmpfs overlay,
# the result share at $SHARE_MNT, and hand over to this script's guest side.
init_script() {
	cat <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /lower /rw /newroot
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do insmod "/modules/\$m" || echo "init: insmod \$m failed"; done </modules/order
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /lower
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mount -t tmpfs -o mode=0755 tmpfs /newroot/run
# The netns tests mount a private tmpfs on /etc/netns; the guest's /etc, itself an
# overlay, cannot take their overlay to create it, so it exists from the start.
mkdir -p /newroot/etc/netns
mkdir -p /newroot$SHARE_MNT
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 wgqvm /newroot$SHARE_MNT
runner=\$(cat /newroot$SHARE_MNT/runner)
exec switch_root /newroot /bin/bash "\$runner" --guest $SHARE_MNT
EOF
}

# build_initramfs KVER BUSYBOX OUT
build_initramfs() {
	local kver=$1 tmp i=0 path name m
	tmp=$(mktemp -d) || return 1
	mkdir -p "$tmp/bin" "$tmp/modules"
	cp "$2" "$tmp/bin/busybox"
	init_script >"$tmp/init"
	chmod 755 "$tmp/init"
	for m in $MODULES; do
		modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' >"$tmp/list"
	while read -r path; do
		name=$(printf '%02d-%s' "$i" "$(basename "${path%.ko*}").ko")
		case $path in
		*.ko.xz) unpack xz <"$path" ;;
		*.ko.zst) unpack zstd <"$path" ;;
		*.ko.gz) unpack gzip <"$path" ;;
		*) cat "$path" ;;
		esac >"$tmp/modules/$name" || { rm -rf "$tmp"; return 1; }
		echo "$name" >>"$tmp/modules/order"
		i=$((i + 1))
	done <"$tmp/list"
	rm "$tmp/list"
	(cd "$tmp" && find . | "$2" cpio -o -H newc -R 0:0 2>/dev/null) >"$3"
	local rc=$?
	rm -rf "$tmp"
	return $rc
}

# prepare KVER BUSYBOX: fill the cache; prints "KERNEL INITRAMFS".
prepare() {
	local kver=$1 dir key kernel tmp
	key=$( (init_script; echo "$MODULES"; stat -c '%s %Y' "/boot/vmlinuz-$kver" \
		"/lib/modules/$kver/modules.dep" "$2") | cksum | cut -d' ' -f1)
	dir="${WGQ_VM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/wgq-vm}/$kver-$key"
	if [ ! -f "$dir/initramfs" ]; then
		mkdir -p "$dir" && tmp=$(mktemp "$dir/tmp.XXXXXX") || return 1
		# A PVH entry lets QEMU boot the ELF kernel directly: no decompression at boot.
		if grep -qx 'CONFIG_PVH=y' "/boot/config-$kver" 2>/dev/null &&
			extract_vmlinux "/boot/vmlinuz-$kver" "$tmp"; then
			chmod 644 "$tmp" && mv "$tmp" "$dir/vmlinux"
		fi
		build_initramfs "$kver" "$2" "$tmp" && chmod 644 "$tmp" &&
			mv "$tmp" "$dir/initramfs" ||
			{ rm -f "$tmp"; return 1; }
	fi
	kernel="$dir/vmlinux"
	[ -f "$kernel" ] || kernel="/boot/vmlinuz-$kver"
	echo "$kernel $dir/initramfs"
}

# boot KERNEL INITRAMFS SHARE: start QEMU in the background ($! is its pid). No network
# card; TCG because /dev/kvm, where there is one, may not run a stock kernel (see
# /work/shared/vm/README.md); tb-size caps QEMU's memory.
boot() {
	local cmdline="console=ttyS0 quiet panic=-1 oops=panic rdinit=/init $KERNEL_ARGS"
	local opts=security_model=none,multidevs=remap
	timeout --foreground -k 10 "${WGQ_VM_TIMEOUT:-1500}" "$QEMU" -nodefaults -no-reboot \
		-display none -machine pc -accel tcg,tb-size=128 -cpu max \
		-m "${WGQ_VM_MEM:-512}" -smp "${WGQ_VM_SMP:-1}" -kernel "$1" -initrd "$2" \
		-append "$cmdline ${WGQ_VM_APPEND:-}" -serial "file:$3/console" \
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
		-virtfs "local,path=$3,mount_tag=wgqvm,security_model=none,multidevs=remap" \
		${WGQ_VM_SHARE:+-virtfs "local,path=$WGQ_VM_SHARE,mount_tag=wgqshare,$opts"} \
		</dev/null >"$3/qemu.log" 2>&1 &
}

# write_share DIR BUSYBOX CMD...: what the guest side needs to run CMD.
write_share() {
	local dir=$1
	printf '%s' "$SELF" >"$dir/runner"
	printf '%s' "$2" >"$dir/busybox"
	printf '%s' "${WGQ_VM_SHARE:-}" >"$dir/share"
	shift 2
	pwd -P >"$dir/cwd"
	printf '%s\0' "$@" >"$dir/argv"
	env -0 | grep -zvE '^(PWD|OLDPWD|SHLVL|_)=' >"$dir/env"
	: >"$dir/stdout"
	: >"$dir/stderr"
}

# finish QEMU-STATUS SHARE: exit with the command's status, or explain the failure.
finish() {
	[ -z "${WGQ_VM_CONSOLE:-}" ] || cp "$2/console" "$WGQ_VM_CONSOLE"
	[ "$1" != 124 ] && [ -s "$2/status" ] && exit "$(cat "$2/status")"
	if [ "$1" = 124 ]; then
		echo "run-in-vm: QEMU timed out after ${WGQ_VM_TIMEOUT:-1500} s" >&2
	else
		echo "run-in-vm: the guest ended without an exit status (QEMU: $1)" >&2
	fi
	cat "$2/qemu.log" >&2
	echo "run-in-vm: console log:" >&2
	sed 's/^/  | /' "$2/console" >&2
	[ "$1" = 124 ] && exit 124
	exit 125
}

host_main() {
	local busybox kver files kernel initrd share qpid rc t1 t2

	[ $# -gt 0 ] || die "usage: $0 CMD [ARG...]"
	QEMU=$(command -v qemu-system-x86_64) || skip "needs qemu-system-x86_64"
	command -v modprobe >/dev/null || skip "needs modprobe (kmod)"
	busybox=$(find_busybox)
	[ -n "$busybox" ] || skip "needs a static busybox (busybox-static)"
	BUSYBOX=$busybox
	kver=$(find_kernel)
	[ -n "$kver" ] || skip "no kernel in /boot with wireguard, 9p and overlay modules"
	files=$(prepare "$kver" "$busybox") || die "cannot build the initramfs for $kver"
	read -r kernel initrd <<<"$files"

	share=$(mktemp -d "${TMPDIR:-/tmp}/wgq-vm.XXXXXX") || exit 1
	trap 'rm -rf "$share"' EXIT
	write_share "$share" "$busybox" "$@"
	boot "$kernel" "$initrd" "$share"
	qpid=$!
	trap 'kill "$qpid" 2>/dev/null; exit 130' INT TERM
	# The guest appends to these through 9p: pass them on as they grow.
	tail -q -n +1 -s 0.2 -f --pid="$qpid" "$share/stdout" &
	t1=$!
	tail -q -n +1 -s 0.2 -f --pid="$qpid" "$share/stderr" >&2 &
	t2=$!
	wait "$qpid"
	rc=$?
	wait "$t1" "$t2"
	finish "$rc" "$share"
}

if [ "${1:-}" = --guest ]; then
	guest_main "$2"
else
	host_main "$@"
fi
