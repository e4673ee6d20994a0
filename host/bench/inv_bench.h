/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The paired-case registry shared by inv_bench.cpp (the cases) and
 * bench_main.cpp (the timing harness, the instruction-count mode and the
 * table).
 *
 * A case is one input (e.g. "a 64 KiB unmap on N devices over M units")
 * and two or more models run on it: model 0 is ours, the others are
 * baselines. Every model of a case writes to the same simulated queue, so
 * they touch the same memory.
 */
#ifndef ALIST_INV_BENCH_H
#define ALIST_INV_BENCH_H

#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <alist/types.h>

namespace inv_bench {

/* What one invocation of a model did, from an empty queue. */
struct Shot {
	double cmds = 0, syncs = 0;
	bool fits = false;		 /* the words below are complete */
	std::vector<alist_u64> words;	 /* command words, syncs left out */
};

class CaseBase {
public:
	virtual ~CaseBase() = default;
	/* @reps back-to-back invocations of model @m. */
	virtual void Run(unsigned m, unsigned reps) = 0;
	/* One invocation of model @m on a reset queue. */
	virtual Shot Once(unsigned m) = 0;
};

struct CaseDef {
	std::string name;		/* Family/fmt/args, e.g. Range/vtd/N:4/M:1/atc:0 */
	std::string family;		/* Range/vtd */
	unsigned n;			/* N (targets) or E (user entries) */
	std::vector<std::string> models;	/* [0] is "ours" */
	double min_cmds, min_syncs;
	std::function<std::unique_ptr<CaseBase>()> make;
};

std::vector<CaseDef> &Cases();

/* A CaseBase over a state object and one callable per model. */
template <class S, class... F>
class LambdaCase final : public CaseBase {
public:
	LambdaCase(std::unique_ptr<S> s, F... f) : s_(std::move(s)), f_{f...} {}

	void Run(unsigned m, unsigned reps) override { Dispatch<0>(m, reps); }

	Shot Once(unsigned m) override
	{
		Shot r;

		s_->q.Reset();
		Dispatch<0>(m, 1);
		r.cmds = static_cast<double>(s_->q.cmds);
		r.syncs = static_cast<double>(s_->q.syncs);
		r.fits = s_->q.Written(&r.words);
		return r;
	}

private:
	template <unsigned I>
	void Dispatch(unsigned m, unsigned reps)
	{
		if constexpr (I < sizeof...(F)) {
			if (m == I) {
				auto &f = std::get<I>(f_);
				S &s = *s_;

				for (unsigned r = 0; r < reps; r++)
					f(s);
				return;
			}
			Dispatch<I + 1>(m, reps);
		}
	}

	std::unique_ptr<S> s_;
	std::tuple<F...> f_;
};

template <class S, class... F>
std::unique_ptr<CaseBase> MakeCase(std::unique_ptr<S> s, F... f)
{
	return std::make_unique<LambdaCase<S, F...>>(std::move(s), f...);
}

} // namespace inv_bench

#endif /* ALIST_INV_BENCH_H */
