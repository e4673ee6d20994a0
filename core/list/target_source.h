/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TargetSource: the targets one attach or detach adds to or removes from a
 * list, either as the caller gave them or derived on the fly for a nest
 * parent from the targets of a nested domain (NestRules). Deriving on the
 * fly keeps detach free of allocation. A switch, not a function pointer.
 *
 * Slots: a plain source has one slot per target. A nest-parent source has
 * kMaxDerived slots per nested target; slots a target does not use are
 * empty (Get() returns false).
 */
#ifndef ALIST_CORE_TARGET_SOURCE_H
#define ALIST_CORE_TARGET_SOURCE_H

#include <alist/target.h>

namespace alist {

class TargetSource {
public:
	/* No targets (a transaction stage that does not need its source). */
	TargetSource() : targets_(nullptr), n_(0), mode_(Mode::kPlain) {}

	static TargetSource Plain(const alist_target *targets, alist_u32 n)
	{
		return TargetSource(targets, n, Mode::kPlain);
	}
	static TargetSource NestParent(const alist_target *nested, alist_u32 n)
	{
		return TargetSource(nested, n, Mode::kNestParent);
	}

	alist_u32 Slots() const;
	/* The target in slot @i (users ignored); false for an empty slot. */
	bool Get(alist_u32 i, alist_target *out) const;
	/* 0 or -EINVAL: every input target may be used with this source. */
	int Validate() const;
	/* Present slots: the number of targets this source stands for. */
	alist_u32 Count() const;

private:
	enum class Mode { kPlain, kNestParent };

	TargetSource(const alist_target *t, alist_u32 n, Mode m)
		: targets_(t), n_(n), mode_(m) {}

	const alist_target *targets_;
	alist_u32 n_;
	Mode mode_;
};

} // namespace alist

#endif /* ALIST_CORE_TARGET_SOURCE_H */
