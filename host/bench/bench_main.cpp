// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark main: paired timing of every case of inv_bench.cpp, an
 * instruction-count mode for callgrind, and the table.
 *
 * Timing (robust to a loaded machine): each case is one Google Benchmark.
 * One benchmark iteration is one round: every model of the case runs a
 * block of back-to-back invocations on the same input (a block lasts
 * >= kBlockNs, so the clock reads cost ~1%, and their measured cost is
 * subtracted), the order of the models rotating from round to round. Per
 * model the median ns/invocation over all rounds is reported, and per
 * baseline the median over rounds of the PAIRED ratio ours/baseline (the
 * two blocks of one round ran a few microseconds apart, under the same
 * load). With --benchmark_repetitions=R, Google Benchmark repeats this and
 * the table shows the median of the R repetitions.
 *
 * Instructions (deterministic): run once under
 *	valgrind --tool=callgrind --collect-atstart=no \
 *		--callgrind-out-file=DIR/cg.out alist_bench --alist_icount_run
 * which, per case and model, collects kIcountReps invocations after a
 * warm-up and dumps them labelled "alist|case|model"; the timing run then
 * reads DIR with --alist_icount_dir=DIR. `make -C host bench` does both.
 *
 * Other flags: --alist_sync_spin=N (busy-wait N volatile adds per sync;
 * default 0: count only), --alist_min_time=S (per-repetition time of a
 * case, default 0.1 s).
 */
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define ALIST_HAVE_CALLGRIND 1
#endif

#include "bench/inv_bench.h"

namespace inv_bench {
extern unsigned g_sync_spin;
}

namespace {

using inv_bench::CaseDef;

constexpr double kBlockNs = 5000;
constexpr unsigned kIcountReps = 32;
constexpr char kIcountTag[] = "alist|";

double g_min_time = 0.1;
double g_clock_ns = 0;				/* cost of one clock read */
std::map<std::string, double> g_icount;		/* "case|model" -> instructions */

double NowNs()
{
	return std::chrono::duration<double, std::nano>(
		       std::chrono::steady_clock::now().time_since_epoch())
		.count();
}

void CalibrateClock()
{
	std::vector<double> v;
	for (int i = 0; i < 2001; i++) {
		double a = NowNs();
		double b = NowNs();
		v.push_back(b - a);
	}
	std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
	g_clock_ns = v[v.size() / 2];
}

/*
 * --alist_sync_ns: the busy-wait per sync in nanoseconds, turned into
 * spin iterations by timing the same loop Queue::Sync() runs.
 */
unsigned SpinsForNs(double ns)
{
	const unsigned kSpins = 1u << 22;
	std::vector<double> v;

	if (ns <= 0)
		return 0;
	for (int r = 0; r < 5; r++) {
		volatile unsigned x = 0;
		double a = NowNs();

		for (unsigned i = 0; i < kSpins; i++)
			x = x + 1;
		v.push_back((NowNs() - a) / kSpins);
	}
	std::nth_element(v.begin(), v.begin() + 2, v.end());
	return static_cast<unsigned>(ns / v[2] + 0.5);
}

double Median(std::vector<double> v)
{
	if (v.empty())
		return 0;
	size_t h = v.size() / 2;
	std::nth_element(v.begin(), v.begin() + h, v.end());
	double m = v[h];
	if (v.size() % 2 == 0)
		m = (m + *std::max_element(v.begin(), v.begin() + h)) / 2;
	return m;
}

void Paired(benchmark::State &st, const CaseDef *def)
{
	auto c = def->make();
	unsigned k = static_cast<unsigned>(def->models.size());
	std::vector<inv_bench::Shot> shots(k);

	for (unsigned m = 0; m < k; m++)
		shots[m] = c->Once(m);

	/* Warm up, then size the blocks on the fastest model. */
	double fastest = 1e18;
	for (unsigned m = 0; m < k; m++) {
		c->Run(m, 8);
		for (int i = 0; i < 3; i++) {
			double t0 = NowNs();
			c->Run(m, 16);
			fastest = std::min(fastest, (NowNs() - t0) / 16);
		}
	}
	unsigned reps = static_cast<unsigned>(
		std::clamp(std::ceil(kBlockNs / std::max(fastest, 1.0)), 1.0, 65536.0));

	std::vector<std::vector<double>> s(k);
	for (auto &v : s)
		v.reserve(static_cast<size_t>(st.max_iterations));
	unsigned long round = 0;
	for (auto _ : st) {
		for (unsigned j = 0; j < k; j++) {
			unsigned m = static_cast<unsigned>((round + j) % k);
			double t0 = NowNs();
			c->Run(m, reps);
			double t1 = NowNs();
			s[m].push_back((t1 - t0 - g_clock_ns) / reps);
		}
		round++;
	}

	st.counters["cmds"] = shots[0].cmds;
	st.counters["syncs"] = shots[0].syncs;
	st.counters["min_cmds"] = def->min_cmds;
	st.counters["min_syncs"] = def->min_syncs;
	st.counters["cmds_over_min"] = shots[0].cmds / def->min_cmds;
	st.counters["syncs_over_min"] = shots[0].syncs / def->min_syncs;
	st.counters["ours_ns"] = Median(s[0]);
	st.counters["reps"] = reps;
	auto oi = g_icount.find(def->name + "|ours");
	if (oi != g_icount.end())
		st.counters["ours_instr"] = oi->second;
	for (unsigned b = 1; b < k; b++) {
		const std::string &n = def->models[b];
		std::vector<double> r(s[0].size());
		for (size_t i = 0; i < r.size(); i++)
			r[i] = s[0][i] / s[b][i];
		st.counters[n + "_ns"] = Median(s[b]);
		st.counters[n + "_ratio"] = Median(r);
		st.counters[n + "_cmds"] = shots[b].cmds;
		st.counters[n + "_syncs"] = shots[b].syncs;
		/*
		 * 1: the same commands in the same order (syncs aside); 0: not;
		 * -1: not comparable (too many to keep, or by design a different
		 * number of commands, e.g. one per user entry).
		 */
		st.counters[n + "_same_cmds"] =
			shots[0].fits && shots[b].fits && shots[0].cmds == shots[b].cmds
				? shots[0].words == shots[b].words
				: -1;
		auto bi = g_icount.find(def->name + "|" + n);
		if (oi != g_icount.end() && bi != g_icount.end()) {
			st.counters[n + "_instr"] = bi->second;
			st.counters[n + "_iratio"] = oi->second / bi->second;
		}
	}
}

int IcountRun()
{
#ifdef ALIST_HAVE_CALLGRIND
	if (!RUNNING_ON_VALGRIND) {
		std::fprintf(stderr, "--alist_icount_run: run me under valgrind --tool=callgrind "
				     "--collect-atstart=no\n");
		return 1;
	}
	for (const CaseDef &d : inv_bench::Cases()) {
		auto c = d.make();
		for (unsigned m = 0; m < d.models.size(); m++) {
			c->Run(m, 4);
			CALLGRIND_TOGGLE_COLLECT;
			c->Run(m, kIcountReps);
			CALLGRIND_TOGGLE_COLLECT;
			std::string label = kIcountTag + d.name + "|" + d.models[m];
			CALLGRIND_DUMP_STATS_AT(label.c_str());
		}
	}
	return 0;
#else
	std::fprintf(stderr, "built without <valgrind/callgrind.h>\n");
	return 1;
#endif
}

void IcountLoad(const std::string &dir)
{
	std::error_code ec;
	for (const auto &f : std::filesystem::directory_iterator(dir, ec)) {
		std::ifstream in(f.path());
		std::string line, label;
		while (std::getline(in, line)) {
			const std::string trig = "desc: Trigger: Client Request: ";
			if (!line.compare(0, trig.size(), trig) &&
			    !line.compare(trig.size(), sizeof(kIcountTag) - 1, kIcountTag))
				label = line.substr(trig.size() + sizeof(kIcountTag) - 1);
			else if (!label.empty() && !line.compare(0, 9, "summary: "))
				g_icount[label] = std::strtod(line.c_str() + 9, nullptr) / kIcountReps;
		}
	}
	if (ec || g_icount.empty())
		std::fprintf(stderr, "bench: no instruction counts in %s\n", dir.c_str());
}

/* Collects every run (iterations and aggregates); prints progress only. */
class Collector : public benchmark::BenchmarkReporter {
public:
	struct Row {
		std::map<std::string, double> c;
		double real_ns = 0;
	};

	bool ReportContext(const Context &ctx) override
	{
		std::printf("alist bench: %d CPUs at %.0f MHz; load average:", ctx.cpu_info.num_cpus,
			    ctx.cpu_info.cycles_per_second / 1e6);
		for (double l : ctx.cpu_info.load_avg)
			std::printf(" %.2f", l);
		std::printf("\n");
		std::fflush(stdout);
		return true;
	}

	void ReportRuns(const std::vector<Run> &runs) override
	{
		for (const Run &r : runs) {
			if (r.error_occurred)
				continue;
			bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
			if (r.run_type == Run::RT_Aggregate && !median)
				continue;
			std::string name = r.run_name.str();
			/* The median of the repetitions wins over any single one. */
			if (!median && medians_.count(name))
				continue;
			Row &row = rows_[name];
			by_fn_[r.run_name.function_name] = name;
			if (median)
				medians_[name] = true;
			for (auto &kv : r.counters)
				row.c[kv.first] = kv.second.value;
			row.real_ns = r.GetAdjustedRealTime();
		}
		std::fprintf(stderr, ".");
	}

	void Finalize() override { std::fprintf(stderr, "\n"); }

	/* By registered name (the run name adds e.g. /min_time:0.100). */
	const Row *Find(const std::string &fn) const
	{
		auto n = by_fn_.find(fn);
		if (n == by_fn_.end())
			return nullptr;
		auto it = rows_.find(n->second);
		return it == rows_.end() ? nullptr : &it->second;
	}
	const std::map<std::string, Row> &rows() const { return rows_; }

private:
	std::map<std::string, Row> rows_;
	std::map<std::string, bool> medians_;
	std::map<std::string, std::string> by_fn_;
};

double Get(const Collector::Row &r, const std::string &k, double dflt = NAN)
{
	auto it = r.c.find(k);
	return it == r.c.end() ? dflt : it->second;
}

struct Stats {
	std::vector<double> t, i;	/* time and instruction ratios */
	std::vector<std::string> slower;	/* time ratio >= 1 */
	unsigned more_instr = 0;		/* instruction ratio >= 1 */
};

void PrintStats(const char *what, const std::string &key, const Stats &s)
{
	if (s.t.empty())
		return;
	double g = 0;
	for (double x : s.t)
		g += std::log(x);
	std::printf("  %-28s %-10s %3zu cases  time: median %.2f geomean %.2f max %.2f",
		    key.c_str(), what, s.t.size(), Median(s.t), std::exp(g / s.t.size()),
		    *std::max_element(s.t.begin(), s.t.end()));
	if (!s.i.empty())
		std::printf("   instr: median %.2f max %.2f", Median(s.i),
			    *std::max_element(s.i.begin(), s.i.end()));
	std::printf("\n");
}

void PrintTable(const Collector &col)
{
	std::printf("\nours/baseline < 1: ours is faster. Times: median ns per invocation over paired\n"
		    "rounds (ours and the baseline back to back on the same input, order rotating),\n"
		    "median of the repetitions; t_ratio is the median of the per-round ratios.\n"
		    "Instructions: callgrind, per invocation. same: the baseline wrote the same\n"
		    "commands in the same order (syncs aside; '-' too many to compare).\n"
		    "cmds/syncs/min are ours; b_syncs are the baseline's.\n\n");
	std::printf("%-28s %5s %5s %9s %5s %5s %8s %8s  %-9s %9s %7s %7s %7s %4s\n", "case",
		    "cmds", "syncs", "min", "c/min", "s/min", "ours_ns", "ours_ins", "baseline",
		    "base_ns", "b_syncs", "t_ratio", "i_ratio", "same");

	std::map<std::string, Stats> all, big;
	for (const CaseDef &d : inv_bench::Cases()) {
		const Collector::Row *r = col.Find(d.name);
		if (!r)
			continue;
		char min[32];
		std::snprintf(min, sizeof(min), "%.0f/%.0f", d.min_cmds, d.min_syncs);
		for (unsigned b = 1; b < d.models.size(); b++) {
			const std::string &n = d.models[b];
			double tr = Get(*r, n + "_ratio"), ir = Get(*r, n + "_iratio");
			double same = Get(*r, n + "_same_cmds", -1);
			std::printf("%-28s %5.0f %5.0f %9s %5.2f %5.2f %8.1f %8.0f  %-9s %9.1f %7.0f "
				    "%7.3f %7.3f %4s\n",
				    d.name.c_str(), Get(*r, "cmds"), Get(*r, "syncs"), min,
				    Get(*r, "cmds_over_min"), Get(*r, "syncs_over_min"),
				    Get(*r, "ours_ns"), Get(*r, "ours_instr"), n.c_str(),
				    Get(*r, n + "_ns"), Get(*r, n + "_syncs"), tr, ir,
				    same < 0 ? "-" : same > 0 ? "yes" : "NO");
			std::string key = d.family + " vs " + n;
			for (Stats *s : {&all[key], d.n >= 4 ? &big[key] : nullptr}) {
				if (!s)
					continue;
				s->t.push_back(tr);
				if (!std::isnan(ir))
					s->i.push_back(ir);
			}
			if (d.n >= 4 && tr >= 1)
				big[key].slower.push_back(d.name);
			if (d.n >= 4 && !std::isnan(ir) && ir >= 1)
				big[key].more_instr++;
		}
	}

	std::printf("\nours/baseline per family (cases with N or E >= 4 first):\n");
	for (auto &kv : big)
		PrintStats("N>=4", kv.first, kv.second);
	for (auto &kv : all)
		PrintStats("all", kv.first, kv.second);
	bool any = false;
	for (auto &kv : big) {
		for (auto &n : kv.second.slower) {
			std::printf("  NOT FASTER (time, N>=4): %s vs %s (t_ratio %.3f)\n",
				    n.c_str(), kv.first.substr(kv.first.rfind(' ') + 1).c_str(),
				    Get(*col.Find(n), kv.first.substr(kv.first.rfind(' ') + 1) +
							      "_ratio"));
			any = true;
		}
		if (kv.second.more_instr)
			std::printf("  %s: ours executes more instructions on %u of %zu N>=4 "
				    "cases\n", kv.first.c_str(), kv.second.more_instr,
				    kv.second.t.size());
	}
	if (!any)
		std::printf("  ours is faster (time) than every baseline on every case with "
			    "N >= 4\n");

	std::printf("\n%-44s %10s %14s\n", "readers", "ns/walk", "writer ops/s");
	for (auto &kv : col.rows())
		if (!kv.first.compare(0, 8, "Readers/"))
			std::printf("%-44s %10.1f %14.0f\n", kv.first.c_str(), kv.second.real_ns,
				    Get(kv.second, "writer_ops", 0));
}

} // namespace

int main(int argc, char **argv)
{
	bool icount_run = false;
	std::string icount_dir;
	int out = 1;
	double sync_ns = -1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!std::strcmp(a, "--alist_icount_run"))
			icount_run = true;
		else if (!std::strncmp(a, "--alist_icount_dir=", 19))
			icount_dir = a + 19;
		else if (!std::strncmp(a, "--alist_sync_spin=", 18))
			inv_bench::g_sync_spin = static_cast<unsigned>(std::atoi(a + 18));
		else if (!std::strncmp(a, "--alist_sync_ns=", 16))
			sync_ns = std::atof(a + 16);
		else if (!std::strncmp(a, "--alist_min_time=", 17))
			g_min_time = std::atof(a + 17);
		else
			argv[out++] = argv[i];
	}
	argc = out;
	if (icount_run)
		return IcountRun();
	if (!icount_dir.empty())
		IcountLoad(icount_dir);
	CalibrateClock();
	if (sync_ns >= 0)
		inv_bench::g_sync_spin = SpinsForNs(sync_ns);
	std::printf("alist bench: sync cost %.0f ns (%u spins, busy-wait)\n",
		    sync_ns > 0 ? sync_ns : 0.0, inv_bench::g_sync_spin);

	for (const CaseDef &d : inv_bench::Cases())
		benchmark::RegisterBenchmark(d.name.c_str(), Paired, &d)->MinTime(g_min_time);

	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	Collector c;
	benchmark::RunSpecifiedBenchmarks(&c);
	PrintTable(c);
	benchmark::Shutdown();
	return 0;
}
