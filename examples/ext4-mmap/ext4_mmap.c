/*
** ext4_mmap.c: a userspace model of the ext4 mmap / buffered write lock
** inversion (Linux 6.4-rc, inline-data conversion in ext4_file_mmap).
**
** The kernel functions on the two paths are real functions here, with the
** kernel's names, so that a ulockdep report reads like the lockdep report it
** models. Kernel rwsems are pthread rwlocks whose readers queue behind a
** waiting writer; pthread calls stand where the kernel calls down_write(),
** down_read() and mutex_lock(). Page faults are simulated by a call.
**
**   ext4_mmap               mmap, then write: the cycle of the report
**   ext4_mmap --threads     the same two calls in two threads, one after the other
**   ext4_mmap --pre-mmap    the proposed fix: convert before taking mmap_lock
**   ext4_mmap --might-fault the fault path only says it may take mmap_lock
**                           (ulockdep_might_lock_read), as the kernel's
**                           might_fault() does: the same report
**
** Nothing here ever blocks on another thread, so every mode exits 0; the
** deadlock it models needs the two paths to interleave, which ulockdep
** predicts without it happening.
*/
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <ulockdep.h>

/* Each kernel function is a frame of its own; its inline helpers are not. */
#define noinline __attribute__((noinline, noclone))
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* ---- kernel structures, reduced to what the two paths touch ------------- */

/* Address of one of these is a lock class key, as in the kernel. */
struct lock_class_key {
	char unused;
};

struct file_system_type {
	const char *name;
	struct lock_class_key i_mutex_key;	/* class of every inode lock of the type */
};

struct super_block {
	struct file_system_type *s_type;
	int s_inline_data_feature;		/* ext4 "inline_data" feature flag */
	pthread_rwlock_t s_writers;		/* freeze protection, "sb_writers" */
};

struct inode {
	pthread_rwlock_t i_rwsem;
	int inline_data;			/* the data still lives in the inode */
	struct super_block *i_sb;
	char i_data[64];			/* the page cache, reduced to one buffer */
	size_t i_size;
};

struct mm_struct {
	pthread_rwlock_t mmap_lock;
};

struct task_struct {
	struct mm_struct *mm;
};

#define VM_SHARED	0x00000008UL
#define VM_MAYWRITE	0x00000020UL

#define MAP_SHARED_	0x01	/* the model's own mmap flags */
#define PROT_WRITE_	0x02
#define FMODE_WRITE	0x2

struct vm_area_struct {
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	struct file *vm_file;
};

struct kiocb {
	struct file *ki_filp;
	loff_t ki_pos;
};

struct iov_iter {
	const char *buf;
	size_t count;
};

struct file;

struct file_operations {
	int (*pre_mmap)(struct file *);
	int (*mmap)(struct file *, struct vm_area_struct *);
	ssize_t (*write_iter)(struct kiocb *, struct iov_iter *);
};

struct file {
	pthread_mutex_t f_pos_lock;
	loff_t f_pos;
	unsigned f_mode;
	struct inode *f_inode;
	const struct file_operations *f_op;
};

/* One process: both threads share the mm, as kernel threads of a task do. */
static struct task_struct the_task;
#define current (&the_task)

/* One open file, the model's file descriptor 3. */
static struct file *fd_table[4];

/* ---- lock helpers: the kernel's inline wrappers ------------------------- */

static __always_inline void inode_lock(struct inode *inode)
{
	pthread_rwlock_wrlock(&inode->i_rwsem);
}

static __always_inline void inode_unlock(struct inode *inode)
{
	pthread_rwlock_unlock(&inode->i_rwsem);
}

static __always_inline void mmap_read_lock(struct mm_struct *mm)
{
	pthread_rwlock_rdlock(&mm->mmap_lock);
}

static __always_inline void mmap_read_unlock(struct mm_struct *mm)
{
	pthread_rwlock_unlock(&mm->mmap_lock);
}

static __always_inline void mmap_write_lock(struct mm_struct *mm)
{
	pthread_rwlock_wrlock(&mm->mmap_lock);
}

static __always_inline void mmap_write_unlock(struct mm_struct *mm)
{
	pthread_rwlock_unlock(&mm->mmap_lock);
}

static __always_inline void sb_start_write(struct super_block *sb)
{
	pthread_rwlock_rdlock(&sb->s_writers);
}

static __always_inline void sb_end_write(struct super_block *sb)
{
	pthread_rwlock_unlock(&sb->s_writers);
}

/* ---- initialisation: where the kernel names its lock classes ------------ */

static struct file_system_type ext4_fs_type = { .name = "ext4" };
static struct lock_class_key sb_writers_key;

/* Kernel rwsems: readers wait behind a queued writer, so a read is not recursive. */
static void init_rwsem(pthread_rwlock_t *sem)
{
	pthread_rwlockattr_t attr;

	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(sem, &attr);
	pthread_rwlockattr_destroy(&attr);
}

static void mm_init(struct mm_struct *mm)
{
	init_rwsem(&mm->mmap_lock);
	ulockdep_name_lock(&mm->mmap_lock);
}

static void alloc_super(struct super_block *sb, struct file_system_type *type)
{
	sb->s_type = type;
	sb->s_inline_data_feature = 1;
	init_rwsem(&sb->s_writers);
	ulockdep_set_class(&sb->s_writers, &sb_writers_key, "sb_writers");
}

static void inode_init_always(struct super_block *sb, struct inode *inode)
{
	inode->i_sb = sb;
	init_rwsem(&inode->i_rwsem);
	/* One class per filesystem type, keyed in the type, as the kernel does. */
	ulockdep_set_class(&inode->i_rwsem, &sb->s_type->i_mutex_key,
			   "&sb->s_type->i_mutex_key");
}

static void file_init(struct file *f, struct inode *inode,
		      const struct file_operations *fop)
{
	pthread_mutex_init(&f->f_pos_lock, NULL);
	ulockdep_name_lock(&f->f_pos_lock);
	f->f_inode = inode;
	f->f_op = fop;
	f->f_mode = FMODE_WRITE;
}

/* ---- ext4 ---------------------------------------------------------------- */

static noinline int ext4_convert_inline_data(struct inode *inode)
{
	/* Caller holds i_rwsem: moves the inline bytes out to a data block. */
	__atomic_store_n(&inode->inline_data, 0, __ATOMIC_RELEASE);
	return 0;
}

static int ext4_has_inline_data(struct inode *inode)
{
	return __atomic_load_n(&inode->inline_data, __ATOMIC_ACQUIRE);
}

/*
** The patch under review: a shared writable mapping must not see inline
** data, so convert it here, under i_rwsem. But mmap_lock is already held
** by vm_mmap_pgoff(): this records mmap_lock -> i_rwsem.
**
** Data never goes back inline, so the unlocked test is only a shortcut:
** once ext4_file_pre_mmap() has converted, no lock is taken here.
*/
static noinline int ext4_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file->f_inode;
	struct super_block *sb = inode->i_sb;
	int err = 0;

	if (sb->s_inline_data_feature && ext4_has_inline_data(inode) &&
	    (vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE)) {
		inode_lock(inode);
		err = ext4_convert_inline_data(inode);
		inode_unlock(inode);
		if (!err)
			printf("ext4_mmap: ext4_file_mmap converted inline data under "
			       "i_rwsem while holding mmap_lock\n");
	}
	return err;
}

/* The proposed fix: the same conversion, called before mmap_lock is taken. */
static noinline int ext4_file_pre_mmap(struct file *file)
{
	struct inode *inode = file->f_inode;
	int err = 0, converted = 0;

	if (!inode->i_sb->s_inline_data_feature || !(file->f_mode & FMODE_WRITE))
		return 0;
	inode_lock(inode);
	if (ext4_has_inline_data(inode))
		converted = !(err = ext4_convert_inline_data(inode));
	inode_unlock(inode);
	if (converted)
		printf("ext4_mmap: ext4_file_pre_mmap converted inline data under "
		       "i_rwsem, before mmap_lock\n");
	return err;
}

/* ---- page faults ----------------------------------------------------------- */

/* --might-fault: annotate instead of locking. */
static int might_fault;

/* The fault handler looks the address up under mmap_lock, read side. */
static noinline void do_user_addr_fault(unsigned long address)
{
	struct mm_struct *mm = current->mm;

	if (might_fault) {
		/* A fault may or may not happen: validated as if it took the lock. */
		ulockdep_might_lock_read(&mm->mmap_lock);
		(void)address;
		return;
	}
	mmap_read_lock(mm);
	(void)address;		/* find_vma() and handle_mm_fault() would run here */
	mmap_read_unlock(mm);
}

static __always_inline void handle_page_fault(unsigned long address)
{
	do_user_addr_fault(address);
}

static noinline void exc_page_fault(unsigned long address)
{
	handle_page_fault(address);
}

/* Stands for the trap taken when fault_in_readable() touches a missing page. */
static noinline void asm_exc_page_fault(unsigned long address)
{
	exc_page_fault(address);
}

/* Touches each page of the user buffer; here the first touch faults. */
static noinline size_t fault_in_readable(const char *uaddr, size_t size)
{
	asm_exc_page_fault((unsigned long)uaddr);
	(void)size;
	return 0;	/* bytes left not faulted in */
}

static noinline size_t fault_in_iov_iter_readable(const struct iov_iter *i,
						    size_t bytes)
{
	return fault_in_readable(i->buf, bytes);
}

/* ---- the buffered write path ----------------------------------------------- */

static noinline ssize_t generic_perform_write(struct kiocb *iocb, struct iov_iter *i)
{
	struct inode *inode = iocb->ki_filp->f_inode;
	size_t bytes = i->count;

	/* Fault the source buffer in first: the copy below must not fault. */
	if (fault_in_iov_iter_readable(i, bytes))
		return -14;	/* -EFAULT */
	if (iocb->ki_pos + bytes > sizeof(inode->i_data))
		bytes = sizeof(inode->i_data) - (size_t)iocb->ki_pos;
	memcpy(inode->i_data + iocb->ki_pos, i->buf, bytes);
	iocb->ki_pos += (loff_t)bytes;
	if ((size_t)iocb->ki_pos > inode->i_size)
		inode->i_size = (size_t)iocb->ki_pos;
	i->count -= bytes;
	return (ssize_t)bytes;
}

/* Holds i_rwsem across the copy, and so across the fault: i_rwsem -> mmap_lock. */
static noinline ssize_t ext4_buffered_write_iter(struct kiocb *iocb,
						   struct iov_iter *from)
{
	struct inode *inode = iocb->ki_filp->f_inode;
	ssize_t ret;

	inode_lock(inode);
	ret = generic_perform_write(iocb, from);
	inode_unlock(inode);
	return ret;
}

static noinline ssize_t ext4_file_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	ssize_t ret = ext4_buffered_write_iter(iocb, from);

	return ret;
}

static __always_inline ssize_t call_write_iter(struct file *file, struct kiocb *kio,
					       struct iov_iter *iter)
{
	return file->f_op->write_iter(kio, iter);
}

static __always_inline ssize_t new_sync_write(struct file *filp, const char *buf,
					      size_t len, loff_t *ppos)
{
	struct kiocb kiocb = { .ki_filp = filp, .ki_pos = *ppos };
	struct iov_iter iter = { .buf = buf, .count = len };
	ssize_t ret = call_write_iter(filp, &kiocb, &iter);

	if (ret > 0)
		*ppos = kiocb.ki_pos;
	return ret;
}

static noinline ssize_t vfs_write(struct file *file, const char *buf, size_t count,
				    loff_t *pos)
{
	ssize_t ret = new_sync_write(file, buf, count, pos);

	return ret;
}

/* fdget_pos(): the file position lock serialises write(2) calls on one file. */
static noinline struct file *__fdget_pos(int fd)
{
	struct file *f = fd_table[fd];

	pthread_mutex_lock(&f->f_pos_lock);
	return f;
}

static void fdput_pos(struct file *f)
{
	pthread_mutex_unlock(&f->f_pos_lock);
}

static noinline ssize_t ksys_write(int fd, const char *buf, size_t count)
{
	struct file *f = __fdget_pos(fd);
	struct super_block *sb = f->f_inode->i_sb;
	ssize_t ret;

	sb_start_write(sb);
	ret = vfs_write(f, buf, count, &f->f_pos);
	sb_end_write(sb);
	fdput_pos(f);
	return ret;
}

/* ---- the mmap path ---------------------------------------------------------- */

static __always_inline int call_mmap(struct file *file, struct vm_area_struct *vma)
{
	return file->f_op->mmap(file, vma);
}

static noinline unsigned long mmap_region(struct file *file, unsigned long addr,
					    unsigned long vm_flags)
{
	struct vm_area_struct vma = {
		.vm_mm = current->mm, .vm_flags = vm_flags, .vm_file = file,
	};
	int err = call_mmap(file, &vma);

	return err ? (unsigned long)err : addr;
}

static noinline unsigned long do_mmap(struct file *file, unsigned long addr,
					unsigned long prot, unsigned long flags)
{
	unsigned long vm_flags = 0;
	unsigned long ret;

	if (flags & MAP_SHARED_) {
		vm_flags |= VM_SHARED;
		if (file->f_mode & FMODE_WRITE)
			vm_flags |= VM_MAYWRITE;
	}
	(void)prot;
	ret = mmap_region(file, addr, vm_flags);
	return ret;
}

static noinline unsigned long vm_mmap_pgoff(struct file *file, unsigned long addr,
					      unsigned long prot, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	unsigned long ret;

	/* With the fix, the filesystem prepares the file before mmap_lock. */
	if (file->f_op->pre_mmap) {
		int err = file->f_op->pre_mmap(file);
		if (err)
			return (unsigned long)err;
	}
	mmap_write_lock(mm);
	ret = do_mmap(file, addr, prot, flags);
	mmap_write_unlock(mm);
	return ret;
}

static noinline unsigned long ksys_mmap_pgoff(unsigned long addr, unsigned long prot,
						unsigned long flags, int fd)
{
	unsigned long ret = vm_mmap_pgoff(fd_table[fd], addr, prot, flags);

	return ret;
}

/* ---- system call entry ------------------------------------------------------- */

enum { NR_write = 1, NR_mmap = 9 };

static __always_inline long do_syscall_x64(int nr, long a0, long a1, long a2, long a3)
{
	switch (nr) {
	case NR_write:
		return ksys_write((int)a0, (const char *)a1, (size_t)a2);
	case NR_mmap:
		return (long)ksys_mmap_pgoff((unsigned long)a0, (unsigned long)a1,
					     (unsigned long)a2, (int)a3);
	}
	return -38;	/* -ENOSYS */
}

static noinline long do_syscall_64(int nr, long a0, long a1, long a2, long a3)
{
	long ret = do_syscall_x64(nr, a0, a1, a2, a3);

	return ret;
}

/* ---- the program --------------------------------------------------------------- */

static const struct file_operations ext4_file_operations = {
	.mmap = ext4_file_mmap,
	.write_iter = ext4_file_write_iter,
};

static const struct file_operations ext4_file_operations_pre_mmap = {
	.pre_mmap = ext4_file_pre_mmap,
	.mmap = ext4_file_mmap,
	.write_iter = ext4_file_write_iter,
};

static struct mm_struct mm;
static struct super_block sb;
static struct inode inode = { .inline_data = 1 };
static struct file file;

/* mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, 3, 0) */
static void *mmap_task(void *arg)
{
	long ret = do_syscall_64(NR_mmap, 0x20000000L, PROT_WRITE_, MAP_SHARED_, 3);

	*(long *)arg = ret;
	return NULL;
}

/* write(3, buf, 12): the buffer's page is not yet present, so it faults. */
static void *write_task(void *arg)
{
	static const char buf[] = "hello, ext4\n";
	long ret = do_syscall_64(NR_write, 3, (long)buf, (long)strlen(buf), 0);

	*(long *)arg = ret;
	return NULL;
}

struct task_run {
	void *(*fn)(void *);
	const char *name;
	long *ret;
};

/* The thread names itself first, so a report names it even if it runs at once. */
static void *task_thread(void *arg)
{
	struct task_run *run = arg;

	pthread_setname_np(pthread_self(), run->name);
	return run->fn(run->ret);
}

static void run_in_thread(void *(*fn)(void *), const char *name, long *ret)
{
	struct task_run run = { fn, name, ret };
	pthread_t th;
	int err = pthread_create(&th, NULL, task_thread, &run);

	if (err) {
		fprintf(stderr, "ext4_mmap: pthread_create: %s\n", strerror(err));
		exit(1);
	}
	pthread_join(th, NULL);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: ext4_mmap [--pre-mmap] [--threads] [--might-fault]\n"
		     "  --pre-mmap     convert inline data in f_op->pre_mmap, before mmap_lock (the fix)\n"
		     "  --threads      run mmap and write in two threads, one after the other\n"
		     "  --might-fault  the fault path annotates (ulockdep_might_lock_read) instead\n"
		     "                 of taking mmap_lock\n");
}

int main(int argc, char **argv)
{
	int pre_mmap = 0, threads = 0;
	long map_ret = 0, write_ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pre-mmap")) {
			pre_mmap = 1;
		} else if (!strcmp(argv[i], "--threads")) {
			threads = 1;
		} else if (!strcmp(argv[i], "--might-fault")) {
			might_fault = 1;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}

	mm_init(&mm);
	current->mm = &mm;
	alloc_super(&sb, &ext4_fs_type);
	inode_init_always(&sb, &inode);
	file_init(&file, &inode, pre_mmap ? &ext4_file_operations_pre_mmap
					  : &ext4_file_operations);
	fd_table[3] = &file;

	/*
	** mmap first: it records mmap_lock -> i_rwsem; the write then takes
	** mmap_lock under i_rwsem and closes the cycle.
	*/
	if (threads) {
		run_in_thread(mmap_task, "mapper", &map_ret);
		run_in_thread(write_task, "writer", &write_ret);
	} else {
		mmap_task(&map_ret);
		write_task(&write_ret);
	}

	printf("ext4_mmap: %s%s: mmap returned %#lx, write returned %ld; the buffer "
	       "fault took mmap_lock under i_rwsem\n",
	       pre_mmap ? "with pre_mmap" : "without pre_mmap",
	       threads ? ", two threads" : ", one thread",
	       (unsigned long)map_ret, write_ret);
	return map_ret == 0x20000000L && write_ret == 12 ? 0 : 1;
}
