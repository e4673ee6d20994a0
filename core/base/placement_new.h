/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Placement new without <new> (the core sees no C++ library header), and
 * the one way core objects are created: env allocation, checked at the call,
 * then construction in place.
 */
#ifndef ALIST_CORE_PLACEMENT_NEW_H
#define ALIST_CORE_PLACEMENT_NEW_H

#include <alist/env.h>

#if __STDC_HOSTED__
/* Hosted users of core headers (host tests) get it from the library. */
#include <new>
#else
/* The library's placement operator new, which <new> would declare. */
inline void *operator new(unsigned long, void *p) noexcept
{
	return p;
}
#endif

namespace alist {

/* Allocate and construct a T; nullptr on allocation failure. */
template <typename T>
T *EnvNew()
{
	void *p = alist_env_alloc(sizeof(T));

	return p ? new (p) T() : nullptr;
}

/* Destroy and free an object made by EnvNew(). */
template <typename T>
void EnvDelete(T *obj)
{
	if (!obj)
		return;
	obj->~T();
	alist_env_free(obj);
}

} // namespace alist

#endif /* ALIST_CORE_PLACEMENT_NEW_H */
