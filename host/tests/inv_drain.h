/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver's side of the C API for the GoogleTest suites: a fill loop
 * that checks every batch it gets against the contract of inv.h.
 */
#ifndef ALIST_INV_DRAIN_H
#define ALIST_INV_DRAIN_H

#include <gtest/gtest.h>

#include <vector>

#include <alist/inv.h>

#include "tests/inv_test_util.h"

namespace inv_test {

/*
 * Run a C API walk to its end as a driver does, through a batch of @cap
 * commands and @max_chunks chunks; @fill(batch) is one fill call
 * (alist_vtd_inv_fill() and friends). Checks the batch contract on every
 * fill -- a count within the table, chunks back to back in the buffer,
 * none empty without a sync, progress on every call -- and returns the
 * events in issue order. @fills, if given, gets the number of calls.
 */
template <class Fill>
std::vector<Event> Drain(Fill fill, unsigned cap, unsigned max_chunks, unsigned *fills = nullptr)
{
	std::vector<alist_cmd> cmds(cap);
	std::vector<alist_inv_chunk> chunks(max_chunks);
	alist_inv_batch b{cmds.data(), chunks.data(), cap, max_chunks, 0, {}};
	std::vector<Event> ev;
	unsigned calls = 0;

	do {
		int nr = fill(&b);
		unsigned next = 0;

		calls++;
		EXPECT_GE(nr, 0);
		EXPECT_LE(nr, static_cast<int>(max_chunks));
		EXPECT_TRUE(nr > 0 || b.done) << "a fill made no progress";
		if (nr < 0 || nr > static_cast<int>(max_chunks) || (!nr && !b.done) ||
		    calls > 100000)
			break;
		for (int i = 0; i < nr; i++) {
			const alist_inv_chunk &c = chunks[i];

			EXPECT_EQ(c.first, next);
			EXPECT_TRUE(c.nr_cmds || c.sync) << "empty chunk";
			EXPECT_LE(c.first + c.nr_cmds, cap);
			EXPECT_EQ(c.reserved[0] | c.reserved[1] | c.reserved[2], 0);
			if (c.first + c.nr_cmds > cap)
				return ev;
			for (unsigned k = 0; k < c.nr_cmds; k++)
				ev.push_back(Event{c.instance, false, cmds[c.first + k]});
			if (c.sync)
				ev.push_back(Event{c.instance, true, alist_cmd{}});
			next = c.first + c.nr_cmds;
		}
	} while (!b.done);
	if (fills)
		*fills = calls;
	return ev;
}

} // namespace inv_test

#endif /* ALIST_INV_DRAIN_H */
