#!/bin/sh
# ext4_mmap.sh BUILD_DIR: the flagship example under `ulockdep run`.
# As patched, the model must draw the seed's circular-locking report, section
# by section and in order, and exit 66; with --pre-mmap (the fix) it must run
# clean and exit 0. Each mode runs in one thread and in two. With
# --might-fault the fault path annotates (ulockdep_might_lock_read) instead of
# taking mmap_lock: the same report, the annotation standing where the lock
# helper stood; with --pre-mmap too, clean again.
. "$(dirname "$0")/prelude.sh"
prog=$B/examples/ext4-mmap/ext4_mmap

for f in "$U" "$prog"; do
	[ -x "$f" ] || { echo "FAIL: $f not built"; exit 1; }
done

# run NAME ARGS...: runs the model, leaving NAME.out, NAME.err and NAME.rc.
run() {
	name=$1
	shift
	timeout 60 "$U" run -- "$prog" "$@" >"$T/$name.out" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
}

# expect_rc NAME CODE
expect_rc() {
	rc=$(cat "$T/$1.rc")
	[ "$rc" -eq "$2" ] || fail "$1: exit status $rc, expected $2"
}

# expect_in_order NAME FILE PATTERN...: each fixed string occurs on a line
# after the line of the one before. "A&&B" asks for A and B on one line.
expect_in_order() {
	name=$1
	file=$2
	shift 2
	line=0
	for pat in "$@"; do
		found=$(awk -v from="$line" -v pat="$pat" '
			NR <= from { next }
			{
				n = split(pat, parts, "&&")
				ok = 1
				for (k = 1; k <= n; k++)
					if (index($0, parts[k]) == 0) { ok = 0; break }
				if (ok) { print NR; exit }
			}' "$file")
		if [ -z "$found" ]; then
			fail "$name: '$pat' not found after line $line of $(basename "$file")"
			return
		fi
		line=$found
	done
}

# The report of the seed: the fault path's read of mmap_lock under the inode
# lock closes a cycle with the mmap path's inode lock under mmap_lock.
check_report() {
	name=$1
	comm=$2
	fault_lock=${3:-mmap_read_lock}	# the inline frame that takes mmap_lock
	err=$T/$name.err
	expect_rc "$name" 66
	n=$(grep -c -F 'WARNING:' "$err")
	[ "$n" -eq 1 ] || fail "$name: $n WARNING lines, expected 1"
	expect_in_order "$name" "$err" \
		'WARNING: possible circular locking dependency detected' \
		"$comm/&&is trying to acquire lock:" \
		'(&mm->mmap_lock)' \
		'but task is already holding lock:' \
		'(&sb->s_type->i_mutex_key)' \
		'which lock already depends on the new lock.' \
		'the existing dependency chain (in reverse order) is:' \
		'-> #1 (&sb->s_type->i_mutex_key)' \
		'inode_lock&&[inline]' \
		'ext4_file_mmap' \
		'call_mmap&&[inline]' \
		'mmap_region' \
		'do_mmap' \
		'vm_mmap_pgoff' \
		'ksys_mmap_pgoff' \
		'-> #0 (&mm->mmap_lock)' \
		"$fault_lock&&[inline]" \
		'do_user_addr_fault' \
		'handle_page_fault&&[inline]' \
		'exc_page_fault' \
		'asm_exc_page_fault' \
		'fault_in_readable' \
		'fault_in_iov_iter_readable' \
		'generic_perform_write' \
		'ext4_buffered_write_iter' \
		'ext4_file_write_iter' \
		'call_write_iter&&[inline]' \
		'new_sync_write&&[inline]' \
		'vfs_write' \
		'ksys_write' \
		'other info that might help us debug this:' \
		'Possible unsafe locking scenario:' \
		'CPU0&&CPU1' \
		'lock(&sb->s_type->i_mutex_key);' \
		'lock(&mm->mmap_lock);' \
		'lock(&sb->s_type->i_mutex_key);' \
		'rlock(&mm->mmap_lock);' \
		'*** DEADLOCK ***' \
		"3 locks held by $comm/" \
		'#0:&&(&f->f_pos_lock)&&__fdget_pos' \
		'#1:&&(sb_writers)&&ksys_write' \
		'#2:&&(&sb->s_type->i_mutex_key)&&ext4_buffered_write_iter' \
		'stack backtrace:' \
		'do_user_addr_fault' \
		'ksys_write'
	# The mmap path ran before the write, so the held i_rwsem line must not
	# come from it: the lock being taken is the fault's read of mmap_lock.
	expect_in_order "$name" "$err" \
		'is trying to acquire lock:' 'do_user_addr_fault' \
		'but task is already holding lock:' 'ext4_buffered_write_iter' \
		'which lock already depends on the new lock.'
	grep -q -F 'ext4_file_mmap converted inline data' "$T/$name.out" ||
		fail "$name: the program did not report its mmap conversion on stdout"
}

check_clean() {
	name=$1
	expect_rc "$name" 0
	if grep -q 'WARNING' "$T/$name.err"; then
		fail "$name: unexpected report:"
		cat "$T/$name.err"
	fi
	grep -q -F 'ext4_file_pre_mmap converted inline data' "$T/$name.out" ||
		fail "$name: the program did not convert in pre_mmap"
	grep -q -F 'write returned 12' "$T/$name.out" ||
		fail "$name: the write did not complete"
}

run patched
check_report patched ext4_mmap
run patched_threads --threads
check_report patched_threads writer
# The chain's other thread (mapper made link #1) is named, with where it was
# created, as is the reporting thread (writer).
for who in writer mapper; do
	grep -q "^$who/[0-9]* was created at:\$" "$T/patched_threads.err" ||
		fail "patched_threads: no '$who/<tid> was created at:' section"
done
grep -q '^       \[taken by mapper/[0-9]*\]$' "$T/patched_threads.err" ||
	fail "patched_threads: link #1 does not say it was taken by mapper"
run fixed --pre-mmap
check_clean fixed
run fixed_threads --pre-mmap --threads
check_clean fixed_threads
run might_fault --might-fault
check_report might_fault ext4_mmap ulockdep_might_lock_read
run might_fault_threads --might-fault --threads
check_report might_fault_threads writer ulockdep_might_lock_read
run might_fault_fixed --might-fault --pre-mmap
check_clean might_fault_fixed

if [ "$fails" -ne 0 ]; then
	echo "--- stderr of the patched run:"
	cat "$T/patched.err"
fi
finish "the seed's report as patched, clean with the fix, in one thread and two"
