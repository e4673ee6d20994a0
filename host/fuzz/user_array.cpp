// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the user-array walker, both decoders.
 *
 * Input: a small header (decoder, type, entry_len, entry_num, params) then
 * the array bytes. Invariants checked on every run:
 *  - no crash, no out-of-bounds read (ASan), no UB (UBSan);
 *  - entry_num out <= entry_num in, and the errno is 0 iff all were handled;
 *  - commands come only from entries before the failing index: for SMMUv3
 *    every emitted command is the translation of entry i < entry_num out, in
 *    order; for VT-d the request equals the one built from that prefix;
 *  - syncs: one at the end (plus ATC ordering), never two in a row;
 *  - the C API in random chunk sizes emits the same stream.
 */
#include <cstdint>
#include <cstring>
#include <vector>

#include <alist/errno.h>
#include <alist/inv.h>
#include <alist/user_array.h>

#include "inv/buffer_sink.h"
#include "nest/smmuv3_user_decoder.h"
#include "tests/inv_test_util.h"
#include "hw/vtd_emitter.h"
#include "nest/vtd_user_decoder.h"

namespace {

struct Translator {
	int Lookup(alist_u64 v, alist_u32 *p) const
	{
		if (v & 1)
			return -ALIST_ENOENT;
		*p = static_cast<alist_u32>(v ^ 0xabc);
		return 0;
	}
};

#define CHECK(c)                                                                   \
	do {                                                                       \
		if (!(c))                                                          \
			__builtin_trap();                                          \
	} while (0)

void FuzzSmmu(const uint8_t *data, size_t size, alist_u32 type, alist_u32 len,
	      alist_u32 num, uint8_t knobs)
{
	alist_smmuv3_params p{static_cast<alist_u8>(knobs & 1), 12,
			      static_cast<alist_u8>((knobs >> 1) & 1),
			      static_cast<alist_u8>((knobs >> 2) & ALIST_SMMUV3_USER_ALL), 64, 4,
			      nullptr};
	alist_user_array a{type, len, num, 0, size ? data : nullptr};
	alist::Smmuv3UserDecoder<Translator> d;
	d.Init(&a, p, 0, 9, Translator{});
	inv_test::Recorder rec;
	while (!d.Run(rec))
		;
	int ret = d.Finish();
	CHECK(a.entry_num <= num);
	CHECK(ret == 0 ? a.entry_num == num : ret < 0);

	/* The C API's buffer (runs written directly) gives the same stream. */
	{
		alist_user_array c{type, len, num, 0, size ? data : nullptr};
		alist::Smmuv3UserDecoder<Translator> e;
		alist_cmd buf[8];
		alist_inv_chunk chunks[3];
		alist_inv_batch b{buf, chunks, 1 + (knobs >> 2) % 8u, 1 + (knobs >> 5) % 3u, 0, {}};
		size_t k = 0;

		e.Init(&c, p, 0, 9, Translator{});
		do {
			alist::BufferSink sink(&b);
			int nr = sink.Finish(e.Run(sink));

			CHECK(nr > 0 || b.done);
			for (int j = 0; j < nr; j++) {
				const alist_inv_chunk &ch = chunks[j];

				CHECK(ch.first + ch.nr_cmds <= b.cap);
				for (alist_u32 i = ch.first; i < ch.first + ch.nr_cmds; i++, k++)
					CHECK(k < rec.events.size() && !rec.events[k].sync &&
					      rec.events[k].cmd.w[0] == buf[i].w[0] &&
					      rec.events[k].cmd.w[1] == buf[i].w[1]);
				if (ch.sync) {
					CHECK(k < rec.events.size() && rec.events[k].sync);
					k++;
				}
			}
		} while (!b.done);
		CHECK(k == rec.events.size());
		CHECK(e.Finish() == ret && c.entry_num == a.entry_num && c.err_code == a.err_code);
	}

	/* Re-derive every command from the prefix, entry by entry. */
	alist::Smmuv3UserDecoder<Translator> ref;
	alist_user_array b{type, len, num, 0, size ? data : nullptr};
	ref.Init(&b, p, 0, 9, Translator{});
	size_t k = 0;
	bool prev_sync = true;
	for (auto &e : rec.events) {
		if (e.sync) {
			CHECK(!prev_sync);
			prev_sync = true;
			continue;
		}
		prev_sync = false;
		CHECK(k < a.entry_num);
		alist_smmuv3_user_cmd in{};
		memcpy(&in, data + (size_t)k * len, sizeof(in) < len ? sizeof(in) : len);
		alist_u64 out[2];
		bool atc;
		alist_u32 err;
		CHECK(ref.Translate(in, out, &atc, &err) == 0);
		CHECK(out[0] == e.cmd.w[0] && out[1] == e.cmd.w[1]);
		k++;
	}
	CHECK(k == a.entry_num);
	CHECK(rec.events.empty() || rec.events.back().sync);
}

void FuzzVtd(const uint8_t *data, size_t size, alist_u32 type, alist_u32 len,
	     alist_u32 num, uint8_t knobs)
{
	alist_user_array a{type, len, num, 0, size ? data : nullptr};
	alist::InvRequest req;
	int ret = alist::VtdUserDecoder::Decode(a, req);
	CHECK(a.entry_num <= num);
	CHECK(ret == 0 ? a.entry_num == num : ret < 0);

	/* The prefix alone must give the same request and no error. */
	alist_user_array pre{type, len, a.entry_num, 0, a.entry_num ? data : nullptr};
	alist::InvRequest req2;
	if (a.entry_num || ret == 0) {
		CHECK(alist::VtdUserDecoder::Decode(pre, req2) == 0);
		CHECK(req2.ranges.all() == req.ranges.all());
		CHECK(req2.ranges.size() == req.ranges.size());
		for (unsigned i = 0; i < req.ranges.size(); i++)
			CHECK(req.ranges[i].first == req2.ranges[i].first &&
			      req.ranges[i].last == req2.ranges[i].last);
	}

	/* Run it over a fixed target set, one-shot and through the C API. */
	alist_target t[3] = {inv_test::Target(0, ALIST_KIND_VTD_PIOTLB, 1, 2),
			     inv_test::Target(0, ALIST_KIND_ATC, 1, 2, 7),
			     inv_test::Target(1, ALIST_KIND_VTD_PIOTLB, 1, 2)};
	alist_vtd_params p{1, static_cast<alist_u8>(knobs % 19), 0, 0, 16, 2, nullptr};
	inv_test::Recorder rec;
	inv_test::Invalidate<alist::VtdEmitter>(p, req, t, 3, rec);
	if (req.ranges.empty())
		CHECK(rec.events.empty());
	else
		CHECK(rec.Syncs() == 2);

	alist_inv_cursor cur;
	alist_user_array c{type, len, num, 0, size ? data : nullptr};
	alist_vtd_user_inv_decode(&c, &cur);
	CHECK(c.entry_num == a.entry_num);
	size_t n = 0;
	alist_cmd buf[3];
	alist_inv_chunk chunks[2];
	alist_inv_batch b{buf, chunks, 1 + knobs % 3u, 1 + (knobs >> 2) % 2u, 0, {}};
	if (!alist_inv_cursor_empty(&cur)) {
		do {
			int nr = alist_vtd_inv_fill(&cur, &p, t, 3, &b);

			CHECK(nr > 0 || (nr == 0 && b.done));
			for (int j = 0; j < nr; j++)
				for (unsigned i = chunks[j].first;
				     i < chunks[j].first + chunks[j].nr_cmds; i++, n++) {
					while (rec.events[n].sync)
						n++;
					CHECK(!memcmp(&buf[i], &rec.events[n].cmd, sizeof(buf[i])));
				}
		} while (!b.done);
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	uint8_t which = data[0];
	alist_u32 type = data[1] & 3;
	alist_u32 len = data[2] % 48;
	uint8_t knobs = data[3];
	size_t body = size - 8;
	/* entry_num from the input, bounded so reads stay inside the data
	 * unless the header asks for a short array (then it must fault
	 * nothing: we clamp to what exists). */
	alist_u32 want = data[4] | (data[5] << 8);
	alist_u32 num = len ? static_cast<alist_u32>(body / len) : want % 4;
	if (want < num)
		num = want;
	if (!len && num)
		num = want % 4; /* entry_len 0 with entries: must be -EINVAL */
	std::vector<uint8_t> copy(data + 8, data + size);
	const uint8_t *p = copy.empty() ? nullptr : copy.data();
	if (which & 1)
		FuzzSmmu(p, copy.size(), type, len, num, knobs);
	else
		FuzzVtd(p, copy.size(), type, len, num, knobs);
	return 0;
}
