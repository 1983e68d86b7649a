/*
** ulockdep.h: annotations for the ulockdep lock validator.
**
** A program includes this header to name its lock classes the way the kernel
** does. The calls cost one well-predicted branch and do nothing when the
** runtime is not loaded, so an annotated program ships with them: the first
** call looks the runtime up with dlsym() and caches the answer.
**
** Link with -ldl on glibc older than 2.34.
*/
#ifndef ULOCKDEP_H
#define ULOCKDEP_H

#include <dlfcn.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ULOCKDEP_VERSION_MAJOR 0
#define ULOCKDEP_VERSION_MINOR 1

/*
** Runtime entry points, resolved at run time. Do not call them directly: use
** the inline functions below, which tolerate the runtime's absence.
*/
typedef void (*ulockdep_set_class_fn)(const void *lock, const void *key,
				      const char *name, unsigned subclass);

static inline ulockdep_set_class_fn ulockdep__set_class_fn(void)
{
	/* (void *)1 marks "looked up, absent". Races only repeat the lookup. */
	static void *fn;
	void *f = __atomic_load_n(&fn, __ATOMIC_ACQUIRE);
	if (!f) {
		f = dlsym(RTLD_DEFAULT, "ulockdep_rt_set_class");
		if (!f)
			f = (void *)1;
		__atomic_store_n(&fn, f, __ATOMIC_RELEASE);
	}
	return f == (void *)1 ? (ulockdep_set_class_fn)0 : (ulockdep_set_class_fn)f;
}

/*
** Put the lock at `lock` (any lock the runtime watches: pthread mutex, rwlock,
** spinlock, C11 mtx_t) into the class identified by `key`, printed as `name`.
** `key` is any address unique to the class, typically a static variable next
** to the lock type; locks with one key are one class. Call it after the lock's
** init. `name` must stay valid (a string literal).
*/
static inline void ulockdep_set_class(const void *lock, const void *key,
				      const char *name)
{
	ulockdep_set_class_fn f = ulockdep__set_class_fn();
	if (f)
		f(lock, key, name, 0);
}

/* Like ulockdep_set_class with a subclass 0..7 for ordered same-class nesting. */
static inline void ulockdep_set_class_and_subclass(const void *lock,
						   const void *key,
						   const char *name,
						   unsigned subclass)
{
	ulockdep_set_class_fn f = ulockdep__set_class_fn();
	if (f)
		f(lock, key, name, subclass);
}

/*
** ulockdep_name_lock(&mm->mmap_lock): name the class after the expression, as
** the kernel's init macros do. Every lock named at one source line is one class.
*/
#define ulockdep_name_lock(lock)                                         \
	do {                                                             \
		static const char ulockdep__key_ = 0;                    \
		ulockdep_set_class((lock), &ulockdep__key_, #lock);      \
	} while (0)

#ifdef __cplusplus
}
#endif

#endif /* ULOCKDEP_H */
