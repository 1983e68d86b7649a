/*
** compiler.h: the compiler hints every part of the project uses, in one
** spelling.
*/
#ifndef UD_BASE_COMPILER_H
#define UD_BASE_COMPILER_H

#define ud_likely(x) __builtin_expect(!!(x), 1)
#define ud_unlikely(x) __builtin_expect(!!(x), 0)

#endif
