/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core's global update lock (C API; implemented in
 * core/attach_list_c_api.cpp over the env's lock).
 *
 * One lock serializes every writer of every attach list and ID table, and
 * guards nothing else: attach is a slow path, and a nested attach changes
 * two lists at once, so one lock keeps the core free of lock-order
 * questions. Readers never take it. The shared driver layer (domain/)
 * takes it around exactly the list writes; drivers never take it, their
 * own state is under their own locks, which come first in the lock order
 * (see domain/alist_domain.h). Tests of the core take it to call the
 * core's writers directly.
 */
#ifndef ALIST_LOCK_H
#define ALIST_LOCK_H

#include "types.h"

ALIST_C_BEGIN

/**
 * alist_lock() - take the core's global update lock
 *
 * Context: process context; may sleep. Not recursive.
 * Return: nothing.
 */
void alist_lock(void);

/**
 * alist_unlock() - release the core's global update lock
 *
 * Caller holds the update lock (alist_lock()).
 * Return: nothing.
 */
void alist_unlock(void);

/**
 * alist_assert_locked() - warn unless the caller holds the update lock
 *
 * lockdep_assert_held() in the kernel. Any context.
 * Return: nothing.
 */
void alist_assert_locked(void);

ALIST_C_END

#endif /* ALIST_LOCK_H */
