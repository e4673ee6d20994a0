// SPDX-License-Identifier: GPL-2.0
/*
 * The C++ runtime of the kernel build: the little the compiler may call
 * that no kernel provides. Kernel only; the host build uses the real
 * runtime of the C++ library.
 *
 * Allocation operators go to the environment contract. They return NULL on
 * failure (no exceptions): -fcheck-new makes every new-expression check.
 * Core code allocates through the env directly and uses placement new;
 * these exist so that a stray new/delete links to the env, not to
 * libstdc++, and the post-link check stays meaningful.
 */
#include <alist/env.h>

/* Declared here: no <new>/<cxxabi.h> in a freestanding build. */
void *operator new(unsigned long size);
void *operator new[](unsigned long size);
void operator delete(void *p) noexcept;
void operator delete[](void *p) noexcept;
void operator delete(void *p, unsigned long size) noexcept;
void operator delete[](void *p, unsigned long size) noexcept;
extern "C" void __cxa_pure_virtual();

void *operator new(unsigned long size)
{
	return alist_env_alloc(size);
}

void *operator new[](unsigned long size)
{
	return alist_env_alloc(size);
}

void operator delete(void *p) noexcept
{
	alist_env_free(p);
}

void operator delete[](void *p) noexcept
{
	alist_env_free(p);
}

void operator delete(void *p, unsigned long) noexcept
{
	alist_env_free(p);
}

void operator delete[](void *p, unsigned long) noexcept
{
	alist_env_free(p);
}

/*
 * A pure virtual function was called: an object used during construction
 * or after destruction. Report it and stop this context. The env call is
 * not [[noreturn]], so the trap follows it (objtool needs to see it).
 */
extern "C" void __cxa_pure_virtual()
{
	alist_env_warn(__FILE__, __LINE__, "pure virtual function called");
	__builtin_trap();
}
