// SPDX-License-Identifier: GPL-2.0
/*
 * A global with a dynamic initializer: the compiler emits .init_array,
 * which the kernel runs only with CONFIG_CONSTRUCTORS. The post-link check
 * must reject the module.
 */
extern "C" int alist_ctor_value(void);

struct Counter {
	Counter() { value = 42; }
	int value;
};

static Counter counter;

extern "C" int alist_ctor_value(void)
{
	return counter.value;
}
