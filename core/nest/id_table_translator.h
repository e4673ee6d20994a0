/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IdTableTranslator: vSID -> pSID through a vIOMMU's alist_id_table, the
 * Translator of the kernel's Smmuv3UserDecoder instantiation.
 *
 * The RCU read section covers one lookup only: the user-array walk copies
 * from user memory between lookups, and that may fault and sleep.
 */
#ifndef ALIST_CORE_ID_TABLE_TRANSLATOR_H
#define ALIST_CORE_ID_TABLE_TRANSLATOR_H

#include <alist/env.h>
#include <alist/id_table.h>

namespace alist {

class IdTableTranslator {
public:
	int Lookup(alist_u64 vid, alist_u32 *pid) const
	{
		int r;

		alist_env_rcu_read_lock();
		r = alist_id_table_lookup(table_, vid, pid);
		alist_env_rcu_read_unlock();
		return r;
	}

	const alist_id_table *table_;
};

} // namespace alist

#endif /* ALIST_CORE_ID_TABLE_TRANSLATOR_H */
