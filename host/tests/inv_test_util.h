/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the invalidation tests: a recorder, a one-shot walk through
 * the C API, and decoders that read commands back from their bit layouts
 * (written from the specs, not from the encoders, so a wrong field shows up
 * as a wrong decode).
 */
#ifndef ALIST_INV_TEST_UTIL_H
#define ALIST_INV_TEST_UTIL_H

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include <alist/inv.h>
#include <alist/target.h>

#include "inv/inv_request.h"

namespace inv_test {

using u64 = unsigned long long;

/*
 * A cost model under which no over-invalidation is ever worth a command:
 * the policy always keeps the exact cover (tests of the exact encoders).
 */
inline const alist_inv_cost kExactCost{100, 2000, 2000, 0xffffffffu};

/* One sink event: a command or a sync. */
struct Event {
	unsigned instance;
	bool sync;
	alist_cmd cmd;
};

/* Records everything; always accepts. */
class Recorder {
public:
	bool Emit(alist_u32 instance, const alist_cmd &cmd)
	{
		events.push_back(Event{instance, false, cmd});
		return true;
	}
	bool Sync(alist_u32 instance)
	{
		events.push_back(Event{instance, true, alist_cmd{}});
		return true;
	}
	/* The in-place protocol of alist::BufferSink: never full */
	alist_cmd *Slot()
	{
		staged_ = alist_cmd{};
		return &staged_;
	}
	void Commit(alist_u32 instance)
	{
		events.push_back(Event{instance, false, staged_});
	}
	size_t Cmds() const
	{
		return std::count_if(events.begin(), events.end(),
				     [](const Event &e) { return !e.sync; });
	}
	size_t Syncs() const { return events.size() - Cmds(); }

	std::vector<Event> events;

private:
	alist_cmd staged_{};
};

inline int FillFor(alist_inv_cursor *c, const alist_vtd_params &p, const alist_target *t,
		   size_t n, alist_inv_batch *b)
{
	return alist_vtd_inv_fill(c, &p, t, static_cast<unsigned>(n), b);
}

inline int FillFor(alist_inv_cursor *c, const alist_smmuv3_params &p, const alist_target *t,
		   size_t n, alist_inv_batch *b)
{
	return alist_smmuv3_inv_fill(c, &p, t, static_cast<unsigned>(n), b);
}

/*
 * The one-shot walk of the tests: @req replayed into a cursor of the C API
 * (its merged ranges, "all", the leaf hint, the leaf size), filled to the
 * end through one batch, every command and sync recorded in @rec.
 * @Emitter names the format (alist::VtdEmitter or alist::Smmuv3Emitter).
 */
template <class Emitter>
void Invalidate(const typename Emitter::Params &p, const alist::InvRequest &req,
		const alist_target *t, size_t n, Recorder &rec)
{
	alist_cmd cmds[64];
	alist_inv_chunk chunks[16];
	alist_inv_batch b = ALIST_INV_BATCH_INIT(cmds, chunks);
	alist_inv_cursor cur;

	alist_inv_cursor_init(&cur, req.leaf ? ALIST_INV_LEAF : 0, req.granule_lg2);
	if (req.ranges.all())
		alist_inv_cursor_add_all(&cur);
	for (unsigned i = 0; i < req.ranges.size(); i++)
		alist_inv_cursor_add_range(&cur, req.ranges[i].first << 12,
					   (req.ranges[i].last << 12) | 0xfff);
	do {
		int nr = FillFor(&cur, p, t, n, &b);

		if (nr < 0)
			return;
		for (int i = 0; i < nr; i++) {
			for (unsigned k = 0; k < chunks[i].nr_cmds; k++)
				rec.Emit(chunks[i].instance, cmds[chunks[i].first + k]);
			if (chunks[i].sync)
				rec.Sync(chunks[i].instance);
		}
	} while (!b.done);
}

inline u64 Bits(u64 w, unsigned hi, unsigned lo)
{
	return (w >> lo) & (hi - lo == 63 ? ~0ull : ((1ull << (hi - lo + 1)) - 1));
}

/* A decoded invalidation: which cache, which units (inclusive). */
struct Decoded {
	enum Kind { kIotlb, kPiotlb, kDevTlb, kS1, kS2, kS1Clear, kAtc, kWait,
		    kSync, kOther } kind;
	unsigned tag = 0;	/* DID, ASID (S1) or VMID (S2, S1 clear) */
	unsigned vmid = 0;	/* S1: VMID */
	unsigned pasid = ALIST_NO_PASID;
	unsigned sid = 0;
	bool whole = false;	/* the whole tag / device */
	u64 first = 0, last = 0; /* units: 4 KiB pages (VT-d, ATC), TLBI unit */
	bool leaf = false;
	unsigned ttl = 0, tg = 0;
};

/* VT-d 256-bit descriptors, from the VT-d spec layouts. */
inline Decoded DecodeVtd(const alist_cmd &c)
{
	Decoded d{};
	unsigned type = Bits(c.w[0], 3, 0);

	switch (type) {
	case 2:
	case 6: {
		d.kind = type == 2 ? Decoded::kIotlb : Decoded::kPiotlb;
		d.tag = Bits(c.w[0], 31, 16);
		if (type == 6)
			d.pasid = Bits(c.w[0], 51, 32);
		unsigned g = Bits(c.w[0], 5, 4);
		if (g == 2) {
			d.whole = true;
			break;
		}
		unsigned am = Bits(c.w[1], 5, 0);
		d.leaf = Bits(c.w[1], 6, 6);
		d.first = c.w[1] >> 12;
		d.last = d.first + (1ull << am) - 1;
		break;
	}
	case 3:
	case 8: {
		d.kind = Decoded::kDevTlb;
		bool s;
		if (type == 3) {
			d.sid = Bits(c.w[0], 47, 32);
			s = c.w[1] & 1;
		} else {
			d.sid = Bits(c.w[0], 31, 16);
			d.pasid = Bits(c.w[0], 51, 32);
			s = (c.w[1] >> 11) & 1;
		}
		u64 a = c.w[1] >> 12;
		if (!s) {
			d.first = d.last = a;
			break;
		}
		/* Lowest zero bit k of the page address: 2^(k+1) pages. */
		unsigned k = 0;
		while ((a >> k) & 1)
			k++;
		unsigned order = k + 1;
		if (order >= 52) {
			d.whole = true;
			break;
		}
		d.first = a & ~((1ull << order) - 1);
		d.last = d.first + (1ull << order) - 1;
		break;
	}
	case 5:
		d.kind = Decoded::kWait;
		break;
	default:
		d.kind = Decoded::kOther;
	}
	return d;
}

/*
 * SMMUv3 128-bit commands; TLBI units are 2^unit_lg2 bytes (the TG granule
 * for range forms, the caller's step otherwise).
 */
inline Decoded DecodeSmmu(const alist_cmd &c, unsigned unit_lg2)
{
	Decoded d{};
	unsigned op = Bits(c.w[0], 7, 0);

	switch (op) {
	case 0x11:
		d.kind = Decoded::kS1;
		d.whole = true;
		d.tag = Bits(c.w[0], 63, 48);
		d.vmid = Bits(c.w[0], 47, 32);
		break;
	case 0x28:
		d.kind = Decoded::kS2;
		d.whole = true;
		d.tag = Bits(c.w[0], 47, 32);
		break;
	case 0x10:
		d.kind = Decoded::kS1Clear;
		d.whole = true;
		d.tag = Bits(c.w[0], 47, 32);
		break;
	case 0x12:
	case 0x2a: {
		d.kind = op == 0x12 ? Decoded::kS1 : Decoded::kS2;
		if (op == 0x12) {
			d.tag = Bits(c.w[0], 63, 48);
			d.vmid = Bits(c.w[0], 47, 32);
		} else {
			d.tag = Bits(c.w[0], 47, 32);
		}
		d.leaf = c.w[1] & 1;
		d.ttl = Bits(c.w[1], 9, 8);
		d.tg = Bits(c.w[1], 11, 10);
		u64 addr = c.w[1] & ~0xfffull;
		d.first = addr >> unit_lg2;
		if (d.tg == 0) {
			d.last = d.first;
		} else {
			u64 num = Bits(c.w[0], 16, 12) + 1;
			unsigned scale = Bits(c.w[0], 24, 20);
			d.last = d.first + (num << scale) - 1;
		}
		break;
	}
	case 0x40: {
		d.kind = Decoded::kAtc;
		d.sid = Bits(c.w[0], 63, 32);
		if (Bits(c.w[0], 11, 11))
			d.pasid = Bits(c.w[0], 31, 12);
		unsigned size = Bits(c.w[1], 5, 0);
		if (size >= 52) {
			d.whole = true;
			break;
		}
		d.first = (c.w[1] >> 12) & ~((1ull << size) - 1);
		d.last = d.first + (1ull << size) - 1;
		break;
	}
	case 0x46:
		d.kind = Decoded::kSync;
		break;
	default:
		d.kind = Decoded::kOther;
	}
	return d;
}

using Intervals = std::vector<std::pair<u64, u64>>;

/* Sort and merge overlapping or adjacent intervals. */
inline Intervals Normalize(Intervals v)
{
	std::sort(v.begin(), v.end());
	Intervals out;
	for (auto &iv : v) {
		if (!out.empty() && iv.first <= out.back().second + 1)
			out.back().second = std::max(out.back().second, iv.second);
		else
			out.push_back(iv);
	}
	return out;
}

/* Sorts targets by the attach list's key. */
inline bool KeyLess(const alist_target &a, const alist_target &b)
{
	if (a.instance != b.instance)
		return a.instance < b.instance;
	if (a.kind != b.kind)
		return a.kind < b.kind;
	if (a.tag != b.tag)
		return a.tag < b.tag;
	if (a.vmid != b.vmid)
		return a.vmid < b.vmid;
	if (a.pasid != b.pasid)
		return a.pasid < b.pasid;
	return a.sid < b.sid;
}

inline alist_target Target(unsigned instance, unsigned kind, unsigned tag,
			   unsigned pasid = ALIST_NO_PASID, unsigned sid = 0,
			   unsigned users = 1, unsigned vmid = 0)
{
	alist_target t{};
	t.instance = instance;
	t.kind = static_cast<alist_u8>(kind);
	t.tag = tag;
	t.vmid = vmid;
	t.pasid = pasid;
	t.sid = sid;
	t.users = users;
	return t;
}

} // namespace inv_test

#endif /* ALIST_INV_TEST_UTIL_H */
