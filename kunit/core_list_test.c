// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the core's attach lists and ID tables through their C API, under
 * the kernel's RCU, lockdep and KASAN.
 *
 * Table driven: each step gives its input targets and the live array the
 * list must hold afterwards (key order, users). Also: -EINVAL leaves the
 * list alone, the replace window, nested propagation to the parent and its
 * undoing, the vIOMMU ID table.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/limits.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include <alist/attach_list.h>
#include <alist/errno.h>
#include <alist/id_table.h>

#define ALT_MAX 8

#define ALT(i, k, t, v, p, s, u)					\
	{ .instance = (i), .kind = ALIST_KIND_##k, .tag = (t),		\
	  .vmid = (v), .pasid = (p), .sid = (s), .users = (u) }

enum alist_list_test_op { ALT_ATTACH, ALT_DETACH, ALT_COMPACT };

struct alist_list_test_step {
	enum alist_list_test_op op;
	unsigned int n_in;
	struct alist_target in[ALT_MAX];
	/* ALT_DETACH: the users each input target has left */
	alist_u32 left[ALT_MAX];
	unsigned int n_exp;
	struct alist_target exp[ALT_MAX];
};

/*
 * Check that @list holds exactly @exp (key order, users); @step names the
 * place in a script for the failure message.
 */
static void alist_list_test_expect_at(struct kunit *test, unsigned int step,
				      struct alist_list *list,
				      const struct alist_target *exp, unsigned int n_exp)
{
	struct alist_target got[ALT_MAX];
	unsigned int n, i;

	KUNIT_ASSERT_EQ_MSG(test, alist_list_snapshot(list, got, ALT_MAX, &n), 0,
			    "step %u", step);
	KUNIT_ASSERT_EQ_MSG(test, n, n_exp, "step %u", step);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, got[i].instance, exp[i].instance,
				    "step %u entry %u", step, i);
		KUNIT_EXPECT_EQ_MSG(test, got[i].kind, exp[i].kind,
				    "step %u entry %u", step, i);
		KUNIT_EXPECT_EQ_MSG(test, got[i].tag, exp[i].tag,
				    "step %u entry %u", step, i);
		KUNIT_EXPECT_EQ_MSG(test, got[i].vmid, exp[i].vmid,
				    "step %u entry %u", step, i);
		KUNIT_EXPECT_EQ_MSG(test, got[i].pasid, exp[i].pasid,
				    "step %u entry %u", step, i);
		KUNIT_EXPECT_EQ_MSG(test, got[i].sid, exp[i].sid,
				    "step %u entry %u", step, i);
		KUNIT_EXPECT_EQ_MSG(test, got[i].users, exp[i].users,
				    "step %u entry %u", step, i);
	}
}

#define alist_list_test_expect(test, list, exp, n_exp) \
	alist_list_test_expect_at(test, 0, list, exp, n_exp)

static int alist_list_test_attach(struct alist_list *list,
				  const struct alist_target *t, unsigned int n)
{
	struct alist_txn txn;
	int ret;

	alist_lock();
	ret = alist_list_prepare_attach(list, t, n, &txn);
	if (!ret)
		alist_list_commit_attach(&txn);
	alist_unlock();
	return ret;
}

static const struct alist_list_test_step alist_list_test_script[] = {
	/* Unsorted in, sorted out: instance, then kind, then sid. */
	{ ALT_ATTACH, 3,
	  { ALT(1, VTD_IOTLB, 5, 0, 0, 0, 0), ALT(1, ATC, 0, 0, 0, 16, 0),
	    ALT(0, VTD_IOTLB, 7, 0, 0, 0, 0) }, {}, 3,
	  { ALT(0, VTD_IOTLB, 7, 0, 0, 0, 1), ALT(1, VTD_IOTLB, 5, 0, 0, 0, 1),
	    ALT(1, ATC, 0, 0, 0, 16, 1) } },
	/* A present key gains a user; a new one slots in. */
	{ ALT_ATTACH, 2,
	  { ALT(1, ATC, 0, 0, 0, 8, 0), ALT(1, VTD_IOTLB, 5, 0, 0, 0, 0) }, {}, 4,
	  { ALT(0, VTD_IOTLB, 7, 0, 0, 0, 1), ALT(1, VTD_IOTLB, 5, 0, 0, 0, 2),
	    ALT(1, ATC, 0, 0, 0, 8, 1), ALT(1, ATC, 0, 0, 0, 16, 1) } },
	/* Detach reports what is left; a dead entry is not visible. */
	{ ALT_DETACH, 2,
	  { ALT(1, VTD_IOTLB, 5, 0, 0, 0, 0), ALT(1, ATC, 0, 0, 0, 8, 0) }, { 1, 0 }, 3,
	  { ALT(0, VTD_IOTLB, 7, 0, 0, 0, 1), ALT(1, VTD_IOTLB, 5, 0, 0, 0, 1),
	    ALT(1, ATC, 0, 0, 0, 16, 1) } },
	/* The dead entry comes back fresh. */
	{ ALT_ATTACH, 1, { ALT(1, ATC, 0, 0, 0, 8, 0) }, {}, 4,
	  { ALT(0, VTD_IOTLB, 7, 0, 0, 0, 1), ALT(1, VTD_IOTLB, 5, 0, 0, 0, 1),
	    ALT(1, ATC, 0, 0, 0, 8, 1), ALT(1, ATC, 0, 0, 0, 16, 1) } },
	/* SMMUv3 kinds on another instance; PASID orders before SID. */
	{ ALT_ATTACH, 3,
	  { ALT(2, ATC, 0, 0, 1, 3, 0), ALT(2, SMMU_S1, 4, 0, 0, 0, 0),
	    ALT(2, ATC, 0, 0, 0, 9, 0) }, {}, 7,
	  { ALT(0, VTD_IOTLB, 7, 0, 0, 0, 1), ALT(1, VTD_IOTLB, 5, 0, 0, 0, 1),
	    ALT(1, ATC, 0, 0, 0, 8, 1), ALT(1, ATC, 0, 0, 0, 16, 1),
	    ALT(2, SMMU_S1, 4, 0, 0, 0, 1), ALT(2, ATC, 0, 0, 0, 9, 1),
	    ALT(2, ATC, 0, 0, 1, 3, 1) } },
	{ ALT_DETACH, 4,
	  { ALT(0, VTD_IOTLB, 7, 0, 0, 0, 0), ALT(2, ATC, 0, 0, 1, 3, 0),
	    ALT(2, SMMU_S1, 4, 0, 0, 0, 0), ALT(2, ATC, 0, 0, 0, 9, 0) },
	  { 0, 0, 0, 0 }, 3,
	  { ALT(1, VTD_IOTLB, 5, 0, 0, 0, 1), ALT(1, ATC, 0, 0, 0, 8, 1),
	    ALT(1, ATC, 0, 0, 0, 16, 1) } },
	{ ALT_COMPACT, 0, {}, {}, 3,
	  { ALT(1, VTD_IOTLB, 5, 0, 0, 0, 1), ALT(1, ATC, 0, 0, 0, 8, 1),
	    ALT(1, ATC, 0, 0, 0, 16, 1) } },
	{ ALT_DETACH, 3,
	  { ALT(1, VTD_IOTLB, 5, 0, 0, 0, 0), ALT(1, ATC, 0, 0, 0, 8, 0),
	    ALT(1, ATC, 0, 0, 0, 16, 0) }, { 0, 0, 0 }, 0, {} },
};

static void alist_list_test_scripted(struct kunit *test)
{
	struct alist_list *list = alist_list_alloc();
	struct alist_target t[ALT_MAX];
	unsigned int s, i;

	KUNIT_ASSERT_NOT_NULL(test, list);
	for (s = 0; s < ARRAY_SIZE(alist_list_test_script); s++) {
		const struct alist_list_test_step *step = &alist_list_test_script[s];

		memcpy(t, step->in, sizeof(t));
		switch (step->op) {
		case ALT_ATTACH:
			KUNIT_EXPECT_EQ(test, alist_list_test_attach(list, t, step->n_in), 0);
			break;
		case ALT_DETACH:
			alist_lock();
			alist_list_detach(list, t, step->n_in);
			alist_unlock();
			for (i = 0; i < step->n_in; i++)
				KUNIT_EXPECT_EQ_MSG(test, t[i].users, step->left[i],
						    "target %u", i);
			break;
		case ALT_COMPACT:
			alist_lock();
			alist_list_compact(list);
			alist_unlock();
			break;
		}
		alist_list_test_expect_at(test, s, list, step->exp, step->n_exp);
	}
	alist_list_free(list);
}

/* Malformed targets: -EINVAL, no transaction, the list as it was. */
static void alist_list_test_invalid(struct kunit *test)
{
	static const struct alist_target good = ALT(0, VTD_IOTLB, 1, 0, 0, 0, 0);
	static const struct alist_target exp = ALT(0, VTD_IOTLB, 1, 0, 0, 0, 1);
	struct alist_target bad[4] = {
		ALT(0, VTD_IOTLB, 2, 0, 0, 0, 0),
		ALT(0, VTD_IOTLB, 3, 0, 0, 0, 0),
		ALT(0, ATC, 0, 0, 0, 4, 0),
		ALT(0, ATC, 0, 0, 0, 4, 0),
	};
	struct alist_list *list = alist_list_alloc();
	struct alist_list *nested = alist_list_alloc();
	struct alist_txn txn;

	KUNIT_ASSERT_NOT_NULL(test, list);
	KUNIT_ASSERT_NOT_NULL(test, nested);
	KUNIT_ASSERT_EQ(test, alist_list_test_attach(list, &good, 1), 0);

	bad[0].kind = ALIST_KIND_COUNT;		/* unknown kind */
	bad[1].reserved = 1;			/* reserved field set */
	bad[2].pfsid = 1;			/* one key, two attribute sets */
	bad[3].pfsid = 2;
	alist_lock();
	memset(&txn, 0xa5, sizeof(txn));	/* must come back with nothing prepared */
	KUNIT_EXPECT_EQ(test, alist_list_prepare_attach(list, &bad[0], 1, &txn), -ALIST_EINVAL);
	KUNIT_EXPECT_FALSE(test, alist_list_txn_pending(&txn));
	KUNIT_EXPECT_EQ(test, alist_list_prepare_attach(list, &bad[1], 1, &txn), -ALIST_EINVAL);
	KUNIT_EXPECT_FALSE(test, alist_list_txn_pending(&txn));
	KUNIT_EXPECT_EQ(test, alist_list_prepare_attach(list, &bad[2], 2, &txn), -ALIST_EINVAL);
	KUNIT_EXPECT_FALSE(test, alist_list_txn_pending(&txn));
	/* A nested domain takes stage-1 kinds only (a second-stage tag here). */
	KUNIT_EXPECT_EQ(test, alist_nest_prepare_attach(nested, list, &good, 1, &txn),
			-ALIST_EINVAL);
	KUNIT_EXPECT_FALSE(test, alist_list_txn_pending(&txn));
	/* Nor its own parent */
	KUNIT_EXPECT_EQ(test, alist_nest_prepare_attach(list, list, &good, 1, &txn),
			-ALIST_EINVAL);
	alist_unlock();
	alist_list_test_expect(test, nested, NULL, 0);
	alist_list_test_expect(test, list, &exp, 1);

	memcpy(bad, &good, sizeof(good));
	alist_lock();
	alist_list_detach(list, bad, 1);
	alist_unlock();
	KUNIT_EXPECT_EQ(test, bad[0].users, 0);
	alist_list_free(nested);
	alist_list_free(list);
}

/*
 * Replace: between the commit on the new domain and the detach from the
 * old one, the device's targets are on both lists.
 */
static void alist_list_test_replace_window(struct kunit *test)
{
	static const struct alist_target dev_a[] = {
		ALT(0, VTD_IOTLB, 1, 0, 0, 0, 0), ALT(0, ATC, 0, 0, 0, 16, 0),
	};
	static const struct alist_target dev_b[] = {
		ALT(0, VTD_IOTLB, 2, 0, 0, 0, 0), ALT(0, ATC, 0, 0, 0, 16, 0),
	};
	static const struct alist_target exp_a[] = {
		ALT(0, VTD_IOTLB, 1, 0, 0, 0, 1), ALT(0, ATC, 0, 0, 0, 16, 1),
	};
	static const struct alist_target exp_b[] = {
		ALT(0, VTD_IOTLB, 2, 0, 0, 0, 1), ALT(0, ATC, 0, 0, 0, 16, 1),
	};
	struct alist_list *a = alist_list_alloc(), *b = alist_list_alloc();
	struct alist_target old[2];
	struct alist_txn txn;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, alist_list_test_attach(a, dev_a, 2), 0);

	alist_lock();
	KUNIT_ASSERT_EQ(test, alist_list_prepare_attach(b, dev_b, 2, &txn), 0);
	alist_list_test_expect(test, b, NULL, 0);
	alist_list_commit_attach(&txn);
	/* The window: the driver switches the hardware entry here. */
	alist_list_test_expect(test, a, exp_a, 2);
	alist_list_test_expect(test, b, exp_b, 2);
	memcpy(old, dev_a, sizeof(old));
	alist_list_detach(a, old, 2);
	alist_unlock();

	KUNIT_EXPECT_EQ(test, old[0].users, 0);	/* tag 1 left: flush it */
	alist_list_test_expect(test, a, NULL, 0);
	alist_list_test_expect(test, b, exp_b, 2);

	memcpy(old, dev_b, sizeof(old));
	alist_lock();
	alist_list_detach(b, old, 2);
	alist_unlock();
	alist_list_free(a);
	alist_list_free(b);
}

struct alist_nest_test_case {
	const char *name;
	unsigned int n_in;
	struct alist_target in[ALT_MAX];
	unsigned int n_parent;
	struct alist_target parent[ALT_MAX];	/* after the attach */
};

/*
 * The parent list starts with its own device (VT-d DID 10 or SMMUv3 VMID
 * 9, each with an ATC); the nested attach adds the derived targets.
 */
static const struct alist_nest_test_case alist_nest_test_cases[] = {
	{ "vtd", 4,
	  { ALT(0, VTD_PIOTLB, 20, 0, 1, 0, 0), ALT(0, ATC, 0, 0, 1, 16, 0),
	    ALT(0, VTD_PIOTLB, 20, 0, 2, 0, 0), ALT(0, ATC, 0, 0, 2, 17, 0) }, 5,
	  { ALT(0, VTD_IOTLB, 10, 0, 0, 0, 1), ALT(0, VTD_IOTLB, 20, 0, 0, 0, 2),
	    ALT(0, ATC, 0, 0, 0, 8, 1), ALT(0, ATC_FULL, 0, 0, 0, 16, 1),
	    ALT(0, ATC_FULL, 0, 0, 0, 17, 1) } },
	{ "smmuv3", 2,
	  { ALT(0, SMMU_S1, 3, 9, 0, 0, 0), ALT(0, ATC, 0, 0, 0, 64, 0) }, 4,
	  { ALT(0, SMMU_S2, 9, 0, 0, 0, 2), ALT(0, SMMU_S1_CLEAR, 9, 0, 0, 0, 1),
	    ALT(0, ATC, 0, 0, 0, 8, 1), ALT(0, ATC_FULL, 0, 0, 0, 64, 1) } },
};

static void alist_nest_test_propagation(struct kunit *test)
{
	const struct alist_nest_test_case *c = test->param_value;
	struct alist_target own[2] = {
		ALT(0, VTD_IOTLB, 10, 0, 0, 0, 0), ALT(0, ATC, 0, 0, 0, 8, 0),
	};
	struct alist_target own_exp[2] = {
		ALT(0, VTD_IOTLB, 10, 0, 0, 0, 1), ALT(0, ATC, 0, 0, 0, 8, 1),
	};
	struct alist_list *nested = alist_list_alloc(), *parent = alist_list_alloc();
	struct alist_target t[ALT_MAX], exp[ALT_MAX], report[2 * ALT_MAX];
	struct alist_txn txn;
	unsigned int i, n;

	KUNIT_ASSERT_NOT_NULL(test, nested);
	KUNIT_ASSERT_NOT_NULL(test, parent);
	if (c->in[0].kind == ALIST_KIND_SMMU_S1) {
		own[0].kind = ALIST_KIND_SMMU_S2;
		own[0].tag = 9;
		own_exp[0] = own[0];
		own_exp[0].users = 1;
	}
	KUNIT_ASSERT_EQ(test, alist_list_test_attach(parent, own, 2), 0);

	alist_lock();
	KUNIT_ASSERT_EQ(test, alist_nest_prepare_attach(nested, parent, c->in, c->n_in, &txn), 0);
	alist_list_commit_attach(&txn);
	alist_unlock();

	/* The nested list holds the input, sorted, one user each. */
	KUNIT_ASSERT_EQ(test, alist_list_snapshot(nested, exp, ALT_MAX, &n), 0);
	KUNIT_EXPECT_EQ(test, n, c->n_in);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, exp[i].users, 1);
	alist_list_test_expect(test, parent, c->parent, c->n_parent);

	/* Detach: both lists back to where they were. */
	memcpy(t, c->in, sizeof(t));
	alist_lock();
	n = alist_nest_detach(nested, parent, t, c->n_in, report);
	alist_unlock();
	KUNIT_EXPECT_EQ(test, n, alist_nest_derive(c->in, c->n_in, exp));
	for (i = 0; i < c->n_in; i++)
		KUNIT_EXPECT_EQ(test, t[i].users, 0);
	alist_list_test_expect(test, nested, NULL, 0);
	alist_list_test_expect(test, parent, own_exp, 2);

	alist_lock();
	alist_list_detach(parent, own, 2);
	alist_unlock();
	alist_list_free(nested);
	alist_list_free(parent);
}

KUNIT_ARRAY_PARAM_DESC(alist_nest_test, alist_nest_test_cases, name);

static void alist_id_table_test(struct kunit *test)
{
	static const struct {
		alist_u64 vid;
		alist_u32 pid;
		int ret;
	} inserts[] = {
		{ 0x30, 3, 0 }, { 0x10, 1, 0 }, { 0x20, 2, 0 }, { 0x20, 7, -ALIST_EEXIST },
		{ U64_MAX, 9, 0 },
	};
	struct alist_id_table *t = alist_id_table_alloc();
	alist_u32 pid = 0;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	alist_lock();
	for (i = 0; i < ARRAY_SIZE(inserts); i++)
		KUNIT_EXPECT_EQ(test, alist_id_table_insert(t, inserts[i].vid, inserts[i].pid),
				inserts[i].ret);
	KUNIT_EXPECT_EQ(test, alist_id_table_count(t), 4);
	KUNIT_EXPECT_EQ(test, alist_id_table_remove(t, 0x10), 0);
	KUNIT_EXPECT_EQ(test, alist_id_table_remove(t, 0x10), -ALIST_ENOENT);
	alist_unlock();

	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, alist_id_table_lookup(t, 0x20, &pid), 0);
	KUNIT_EXPECT_EQ(test, pid, 2);
	KUNIT_EXPECT_EQ(test, alist_id_table_lookup(t, U64_MAX, &pid), 0);
	KUNIT_EXPECT_EQ(test, pid, 9);
	KUNIT_EXPECT_EQ(test, alist_id_table_lookup(t, 0x10, &pid), -ALIST_ENOENT);
	KUNIT_EXPECT_EQ(test, alist_id_table_lookup(t, 0x21, &pid), -ALIST_ENOENT);
	rcu_read_unlock();
	alist_id_table_free(t);
}

static struct kunit_case alist_core_list_test_cases[] = {
	KUNIT_CASE(alist_list_test_scripted),
	KUNIT_CASE(alist_list_test_invalid),
	KUNIT_CASE(alist_list_test_replace_window),
	KUNIT_CASE_PARAM(alist_nest_test_propagation, alist_nest_test_gen_params),
	KUNIT_CASE(alist_id_table_test),
	{}
};

static struct kunit_suite alist_core_list_test_suite = {
	.name = "alist_core_list",
	.test_cases = alist_core_list_test_cases,
};

kunit_test_suite(alist_core_list_test_suite);
