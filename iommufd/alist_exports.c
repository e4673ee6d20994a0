// SPDX-License-Identifier: GPL-2.0
/*
 * Exports of the core's C API.
 *
 * The API is implemented in C++ (the core's *_c_api.cpp files, extern "C"). Kbuild
 * computes symbol versions only for C objects, from the prototypes a C file
 * sees, so the exports live here, next to the prototypes, and nothing is
 * exported from C++.
 */
#include <linux/export.h>

#include <alist/env.h>
