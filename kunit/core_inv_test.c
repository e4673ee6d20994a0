// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the core's invalidation batching, driven through the C
 * API a driver uses (include/alist/inv.h): golden command streams for
 * small domains on both formats, sync placement, chunked fills, and the
 * sync encoders. The expected words were worked out by hand from the VT-d
 * and SMMUv3 command layouts.
 *
 * User-array rules need __user memory and are covered by the host tests
 * and the iommufd selftests.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include <alist/inv.h>

#define INV_MAX_TARGETS 4
#define INV_MAX_EVENTS 8

/* One expected queue event: a command (w0, w1) or a sync. */
struct inv_event {
	bool sync;
	u32 instance;
	u64 w0;
	u64 w1;
};

struct inv_case {
	const char *name;
	bool smmu;
	struct alist_target t[INV_MAX_TARGETS];
	unsigned int nr_t;
	bool all;
	u64 start;
	u64 last;
	unsigned int flags;
	struct inv_event ev[INV_MAX_EVENTS];
	unsigned int nr_ev;
};

static const struct alist_vtd_params inv_vtd = {
	.psi = 1, .mamv = 18, .max_iotlb_cmds = 64, .max_devtlb_cmds = 4,
};

static const struct alist_smmuv3_params inv_smmu = {
	.ril = 1, .tg_lg2 = 12, .ats = 1, .max_tlbi_cmds = 64, .max_atc_cmds = 4,
};

#define INV_DEAD_SLOT 2	/* case "dead and duplicate": t[2] has no users */

static const struct inv_case inv_cases[] = {
	{
		.name = "vtd psi exact cover of pages 7-10",
		.t = {
			{ .kind = ALIST_KIND_VTD_IOTLB, .tag = 3, .users = 1 },
		},
		.nr_t = 1,
		.start = 0x7000,
		.last = 0xafff,
		.flags = ALIST_INV_LEAF,
		.ev = {
			{ .w0 = 0x30032, .w1 = 0x7040 },
			{ .w0 = 0x30032, .w1 = 0x8041 },
			{ .w0 = 0x30032, .w1 = 0xa040 },
			{ .sync = true },
		},
		.nr_ev = 4,
	},
	{
		.name = "vtd all: all-in-PASID and full PASID devTLB, one wait",
		.t = {
			{ .kind = ALIST_KIND_VTD_PIOTLB, .tag = 7, .pasid = 1, .users = 1 },
			{ .kind = ALIST_KIND_ATC, .tag = 7, .pasid = 1, .sid = 0x100,
			  .users = 1 },
		},
		.nr_t = 2,
		.all = true,
		.ev = {
			{ .w0 = 0x0000000100070026ULL },
			{ .w0 = 0x0000000101000008ULL, .w1 = 0x7ffffffffffff800ULL },
			{ .sync = true },
		},
		.nr_ev = 3,
	},
	{
		.name = "vtd dead and duplicate targets, two units",
		.t = {
			{ .kind = ALIST_KIND_VTD_IOTLB, .tag = 5, .sid = 1, .users = 1 },
			{ .kind = ALIST_KIND_VTD_IOTLB, .tag = 5, .sid = 2, .users = 1 },
			{ .instance = 1, .kind = ALIST_KIND_VTD_IOTLB, .tag = 5, .sid = 3,
			  .users = 1 },
			{ .instance = 2, .kind = ALIST_KIND_VTD_IOTLB, .tag = 5, .sid = 4,
			  .users = 1 },
		},
		.nr_t = 4,
		.all = true,
		.ev = {
			{ .w0 = 0x50022 },
			{ .sync = true },
			{ .instance = 2, .w0 = 0x50022 },
			{ .sync = true, .instance = 2 },
		},
		.nr_ev = 4,
	},
	{
		.name = "smmuv3 RIL TLBI, sync, ATC_INV, sync",
		.smmu = true,
		.t = {
			{ .kind = ALIST_KIND_SMMU_S1, .tag = 1, .users = 1 },
			{ .kind = ALIST_KIND_ATC, .tag = 1, .sid = 0x10, .users = 1 },
		},
		.nr_t = 2,
		.start = 0,
		.last = 0x3fff,
		.flags = ALIST_INV_LEAF,
		.ev = {
			{ .w0 = 0x0001000000200012ULL, .w1 = 0x701 },
			{ .sync = true },
			{ .w0 = 0x0000001000000040ULL, .w1 = 2 },
			{ .sync = true },
		},
		.nr_ev = 4,
	},
	{
		.name = "smmuv3 S12_VMALL covers the nested S1 clear",
		.smmu = true,
		.t = {
			{ .kind = ALIST_KIND_SMMU_S2, .tag = 3, .users = 1 },
			{ .kind = ALIST_KIND_SMMU_S1_CLEAR, .tag = 3, .users = 1 },
		},
		.nr_t = 2,
		.all = true,
		.ev = {
			{ .w0 = 0x0000000300000028ULL },
			{ .sync = true },
		},
		.nr_ev = 2,
	},
	{
		.name = "smmuv3 one sync per instance",
		.smmu = true,
		.t = {
			{ .kind = ALIST_KIND_SMMU_S1, .tag = 1, .users = 1 },
			{ .instance = 4, .kind = ALIST_KIND_SMMU_S1, .tag = 2, .users = 1 },
		},
		.nr_t = 2,
		.all = true,
		.ev = {
			{ .w0 = 0x0001000000000011ULL },
			{ .sync = true },
			{ .instance = 4, .w0 = 0x0002000000000011ULL },
			{ .sync = true, .instance = 4 },
		},
		.nr_ev = 4,
	},
};

static void inv_case_desc(const struct inv_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(inv, inv_cases, inv_case_desc);

/*
 * Fill batches of @cap commands and @max_chunks chunks, and compare every
 * event with the table: chunks back to back, none empty without a sync.
 */
static void inv_run(struct kunit *test, const struct inv_case *c,
		    struct alist_target *t, unsigned int cap,
		    unsigned int max_chunks)
{
	struct alist_cmd buf[INV_MAX_EVENTS];
	struct alist_inv_chunk chunks[INV_MAX_EVENTS];
	struct alist_inv_batch b = {
		.cmds = buf, .chunks = chunks, .cap = cap, .max_chunks = max_chunks,
	};
	struct alist_inv_cursor cur;
	unsigned int e = 0, i, next, guard = 0;
	const struct alist_inv_chunk *ch;
	int nr;

	alist_inv_cursor_init(&cur, c->flags, 12);
	if (c->all)
		alist_inv_cursor_add_all(&cur);
	else
		alist_inv_cursor_add_range(&cur, c->start, c->last);

	do {
		if (c->smmu)
			nr = alist_smmuv3_inv_fill(&cur, &inv_smmu, t, c->nr_t, &b);
		else
			nr = alist_vtd_inv_fill(&cur, &inv_vtd, t, c->nr_t, &b);
		KUNIT_ASSERT_GE(test, nr, 0);
		KUNIT_ASSERT_LE(test, nr, (int)max_chunks);
		KUNIT_ASSERT_TRUE(test, nr > 0 || b.done);
		for (ch = chunks, next = 0; ch < chunks + nr; ch++) {
			KUNIT_ASSERT_EQ(test, ch->first, next);
			KUNIT_ASSERT_LE(test, ch->first + ch->nr_cmds, cap);
			KUNIT_EXPECT_TRUE(test, ch->nr_cmds || ch->sync);
			for (i = ch->first; i < ch->first + ch->nr_cmds; i++, e++) {
				KUNIT_ASSERT_LT(test, e, c->nr_ev);
				KUNIT_EXPECT_FALSE(test, c->ev[e].sync);
				KUNIT_EXPECT_EQ(test, ch->instance, c->ev[e].instance);
				KUNIT_EXPECT_EQ(test, buf[i].w[0], c->ev[e].w0);
				KUNIT_EXPECT_EQ(test, buf[i].w[1], c->ev[e].w1);
				KUNIT_EXPECT_EQ(test, buf[i].w[2], 0ULL);
				KUNIT_EXPECT_EQ(test, buf[i].w[3], 0ULL);
			}
			if (ch->sync) {
				KUNIT_ASSERT_LT(test, e, c->nr_ev);
				KUNIT_EXPECT_TRUE(test, c->ev[e].sync);
				KUNIT_EXPECT_EQ(test, ch->instance, c->ev[e].instance);
				e++;
			}
			next = ch->first + ch->nr_cmds;
		}
		KUNIT_ASSERT_LT(test, ++guard, 64U);
	} while (!b.done);
	KUNIT_EXPECT_EQ(test, e, c->nr_ev);
	/* Whole-stream batches: the walk took one fill */
	if (cap == INV_MAX_EVENTS && max_chunks == INV_MAX_EVENTS)
		KUNIT_EXPECT_EQ(test, guard, 1U);
}

static void alist_inv_golden(struct kunit *test)
{
	const struct inv_case *c = test->param_value;
	struct alist_target t[INV_MAX_TARGETS];

	memcpy(t, c->t, sizeof(t));
	if (!c->smmu && c->nr_t == 4)
		t[INV_DEAD_SLOT].users = 0;
	inv_run(test, c, t, INV_MAX_EVENTS, INV_MAX_EVENTS);
}

/*
 * The same streams through a one-command buffer, then through a one-chunk
 * table: how a walk is split over fills is invisible in the stream.
 */
static void alist_inv_chunked(struct kunit *test)
{
	const struct inv_case *c = test->param_value;
	struct alist_target t[INV_MAX_TARGETS];

	memcpy(t, c->t, sizeof(t));
	if (!c->smmu && c->nr_t == 4)
		t[INV_DEAD_SLOT].users = 0;
	inv_run(test, c, t, 1, 1);
	inv_run(test, c, t, INV_MAX_EVENTS, 1);
}

static void alist_inv_sync_encoders(struct kunit *test)
{
	struct alist_cmd c;

	alist_vtd_wait_desc(&c, 0x12345678, 1);
	KUNIT_EXPECT_EQ(test, c.w[0], 0x0000000100000025ULL);
	KUNIT_EXPECT_EQ(test, c.w[1], 0x12345678ULL);
	/* Status write only: never IF together with SW, never FN alone. */
	KUNIT_EXPECT_EQ(test, c.w[0] & 0xd0, 0ULL);

	alist_smmuv3_cmd_sync(&c, ALIST_SMMUV3_SYNC_CS_IRQ);
	KUNIT_EXPECT_EQ(test, c.w[0], 0x1046ULL);
	KUNIT_EXPECT_EQ(test, c.w[1], 0ULL);
	alist_smmuv3_cmd_sync(&c, ALIST_SMMUV3_SYNC_CS_NONE);
	KUNIT_EXPECT_EQ(test, c.w[0], 0x46ULL);
}

static void alist_inv_bad_calls(struct kunit *test)
{
	struct alist_target t = { .kind = ALIST_KIND_VTD_IOTLB, .tag = 1, .users = 1 };
	struct alist_vtd_params bad = inv_vtd;
	struct alist_inv_cursor cur;
	struct alist_inv_chunk ch[2];
	struct alist_cmd buf[2];
	struct alist_inv_batch b = ALIST_INV_BATCH_INIT(buf, ch);
	struct alist_inv_batch no_room = b;

	alist_inv_cursor_init(&cur, 0, 12);
	KUNIT_EXPECT_EQ(test, alist_inv_cursor_empty(&cur), 1);
	alist_inv_cursor_add_all(&cur);
	KUNIT_EXPECT_EQ(test, alist_inv_cursor_empty(&cur), 0);
	KUNIT_EXPECT_EQ(test, alist_vtd_inv_fill(&cur, &inv_vtd, &t, 1, NULL), -EINVAL);
	no_room.cap = 0;
	KUNIT_EXPECT_EQ(test, alist_vtd_inv_fill(&cur, &inv_vtd, &t, 1, &no_room),
			-EINVAL);
	no_room = b;
	no_room.max_chunks = 0;
	KUNIT_EXPECT_EQ(test, alist_vtd_inv_fill(&cur, &inv_vtd, &t, 1, &no_room),
			-EINVAL);
	bad.mamv = 64;
	KUNIT_EXPECT_EQ(test, alist_vtd_inv_fill(&cur, &bad, &t, 1, &b), -EINVAL);
	KUNIT_EXPECT_EQ(test, alist_vtd_inv_fill(&cur, &inv_vtd, &t, 1, &b), 1);
	KUNIT_EXPECT_TRUE(test, b.done);
	KUNIT_EXPECT_EQ(test, alist_smmuv3_inv_fill(&cur, &inv_smmu, &t, 1, &b),
			-EINVAL);
}

static struct kunit_case alist_core_inv_cases[] = {
	KUNIT_CASE_PARAM(alist_inv_golden, inv_gen_params),
	KUNIT_CASE_PARAM(alist_inv_chunked, inv_gen_params),
	KUNIT_CASE(alist_inv_sync_encoders),
	KUNIT_CASE(alist_inv_bad_calls),
	{}
};

static struct kunit_suite alist_core_inv_suite = {
	.name = "alist_core_inv",
	.test_cases = alist_core_inv_cases,
};

kunit_test_suite(alist_core_inv_suite);

MODULE_DESCRIPTION("KUnit tests for the iommu-alist invalidation core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("IOMMU_ALIST");
