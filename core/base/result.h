/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Result<T>: a value or a negative errno, for a core without exceptions.
 *
 * Results must be looked at ([[nodiscard]]); reading the value of an error
 * result is a bug the env reports (WARN in the kernel).
 */
#ifndef ALIST_CORE_RESULT_H
#define ALIST_CORE_RESULT_H

#include <alist/env.h>

namespace alist {

template <typename T>
class [[nodiscard]] Result {
public:
	static constexpr Result Ok(T value) { return Result(value, 0); }
	static constexpr Result Error(int err) { return Result(T(), err); }

	constexpr bool ok() const { return err_ == 0; }
	constexpr int error() const { return err_; }
	T value() const
	{
		if (err_)
			alist_env_warn(__FILE__, __LINE__, "value() of an error Result");
		return value_;
	}

private:
	constexpr Result(T value, int err) : value_(value), err_(err) {}

	T value_;
	int err_;
};

/* Result<void>: just the errno. */
template <>
class [[nodiscard]] Result<void> {
public:
	static constexpr Result Ok() { return Result(0); }
	static constexpr Result Error(int err) { return Result(err); }

	constexpr bool ok() const { return err_ == 0; }
	constexpr int error() const { return err_; }

private:
	explicit constexpr Result(int err) : err_(err) {}

	int err_;
};

} // namespace alist

#endif /* ALIST_CORE_RESULT_H */
