/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit helper of the drivers' queue tests: two threads wait on one queue
 * that the test has stalled, the second a while after the first, and each
 * notes its result and when it started and gave up.
 */
#ifndef ALIST_KUNIT_WAITERS_H
#define ALIST_KUNIT_WAITERS_H

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>

struct alist_waiter {
	int (*wait)(void *queue);
	void *queue;
	unsigned int delay_ms;
	int ret;
	u64 start_ns;
	u64 end_ns;
	struct completion done;
};

static inline int alist_waiter_thread(void *arg)
{
	struct alist_waiter *w = arg;

	msleep(w->delay_ms);
	w->start_ns = ktime_get_ns();
	w->ret = w->wait(w->queue);
	w->end_ns = ktime_get_ns();
	complete(&w->done);
	return 0;
}

/*
 * Run @wait(@queue) in two threads, the second @delay_ms after the first,
 * both bound to @cpu (any CPU when @cpu is nr_cpu_ids); *@stall is set
 * once both exist, before either runs. Returns when both are done: 0, or
 * the errno of a thread that could not be created (nothing ran then).
 */
static inline int alist_two_waiters(struct alist_waiter w[2],
				    int (*wait)(void *queue), void *queue,
				    unsigned int delay_ms, unsigned int cpu,
				    bool *stall)
{
	struct task_struct *t[2];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		w[i] = (struct alist_waiter){ .wait = wait, .queue = queue,
					      .delay_ms = i ? delay_ms : 0 };
		init_completion(&w[i].done);
		t[i] = kthread_create(alist_waiter_thread, &w[i], "alist-wait%u", i);
		if (IS_ERR(t[i])) {
			if (i)
				kthread_stop(t[0]);
			return PTR_ERR(t[i]);
		}
		if (cpu < nr_cpu_ids)
			kthread_bind(t[i], cpu);
	}
	WRITE_ONCE(*stall, true);
	for (i = 0; i < 2; i++)
		wake_up_process(t[i]);
	for (i = 0; i < 2; i++)
		wait_for_completion(&w[i].done);
	return 0;
}

#endif /* ALIST_KUNIT_WAITERS_H */
