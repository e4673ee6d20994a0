/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the attach-list host tests: target builders, a lock guard,
 * and snapshots of a list as a std::vector.
 */
#ifndef ALIST_HOST_LIST_TEST_UTIL_H
#define ALIST_HOST_LIST_TEST_UTIL_H

#include <alist/attach_list.h>
#include <alist/target.h>

#include <cstdio>
#include <string>
#include <vector>

namespace alist_test {

/*
 * The next live target of a view from *@pos on, users loaded once: the walk
 * a reader does over alist_view_entries(). Returns 1 with *@out filled and
 * @pos advanced, 0 at the end.
 */
inline int ViewNext(const alist_view *view, unsigned int *pos, alist_target *out)
{
	unsigned int n;
	const alist_target *e = alist_view_entries(view, &n);

	for (unsigned int i = *pos; i < n; i++) {
		alist_u32 users = __atomic_load_n(&e[i].users, __ATOMIC_RELAXED);

		if (!users)
			continue;
		/* Every field but users is stable; users is read once, above. */
		__builtin_memcpy(out, &e[i], __builtin_offsetof(alist_target, users));
		out->users = users;
		*pos = i + 1;
		return 1;
	}
	return 0;
}

/* Number of live targets of @l (entries with users > 0). */
inline unsigned int LiveCount(const alist_list *l)
{
	const alist_view *v = alist_list_read_begin(l);
	unsigned int pos = 0, n = 0;
	alist_target t;

	while (ViewNext(v, &pos, &t))
		n++;
	alist_list_read_end();
	return n;
}

inline alist_target T(alist_u32 instance, alist_u8 kind, alist_u32 tag,
		      alist_u32 vmid = 0, alist_u32 pasid = 0, alist_u32 sid = 0,
		      alist_u32 users = 0)
{
	alist_target t{};

	t.instance = instance;
	t.kind = kind;
	t.tag = tag;
	t.vmid = vmid;
	t.pasid = pasid;
	t.sid = sid;
	t.users = users;
	return t;
}

/* An ATC target (tag/vmid 0). */
inline alist_target Atc(alist_u32 instance, alist_u32 sid, alist_u32 pasid = 0,
			alist_u32 users = 0)
{
	return T(instance, ALIST_KIND_ATC, 0, 0, pasid, sid, users);
}

struct Locked {
	Locked() { alist_lock(); }
	~Locked() { alist_unlock(); }
};

inline std::vector<alist_target> Snapshot(const alist_list *l)
{
	std::vector<alist_target> v(64);
	unsigned int n = 0;

	while (alist_list_snapshot(l, v.data(), v.size(), &n))
		v.resize(n);
	v.resize(n);
	return v;
}

inline std::string Str(const alist_target &t)
{
	char b[128];

	std::snprintf(b, sizeof(b), "{i%u k%u tag%u vm%u pa%u sid%u u%u}", t.instance,
		      t.kind, t.tag, t.vmid, t.pasid, t.sid, t.users);
	return b;
}

inline std::string Str(const std::vector<alist_target> &v)
{
	std::string s;

	for (const alist_target &t : v)
		s += Str(t) + " ";
	return s;
}

/* Key, attributes and users equal. */
inline bool Same(const alist_target &a, const alist_target &b)
{
	return a.instance == b.instance && a.kind == b.kind && a.tag == b.tag &&
	       a.vmid == b.vmid && a.pasid == b.pasid && a.sid == b.sid &&
	       a.atc_qdep == b.atc_qdep && a.pfsid == b.pfsid && a.users == b.users;
}

inline bool Same(const std::vector<alist_target> &a, const std::vector<alist_target> &b)
{
	if (a.size() != b.size())
		return false;
	for (size_t i = 0; i < a.size(); i++)
		if (!Same(a[i], b[i]))
			return false;
	return true;
}

/* Prepare + commit under the lock; returns the prepare's result. */
inline int Attach(alist_list *l, std::vector<alist_target> t)
{
	Locked g;
	alist_txn txn;
	int err = alist_list_prepare_attach(l, t.data(), t.size(), &txn);

	if (!err)
		alist_list_commit_attach(&txn);
	return err;
}

/* Detach under the lock; returns the users left per target. */
inline std::vector<alist_u32> Detach(alist_list *l, std::vector<alist_target> t)
{
	Locked g;
	std::vector<alist_u32> left;

	alist_list_detach(l, t.data(), t.size());
	for (const alist_target &x : t)
		left.push_back(x.users);
	return left;
}

} // namespace alist_test

#endif /* ALIST_HOST_LIST_TEST_UTIL_H */
