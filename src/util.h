// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Small helpers shared by every module.
#pragma once

#include <stddef.h>

/*
 * Append one zeroed element of size bytes to the array *items holding *n of *cap,
 * growing it (doubling, starting at 8). Returns the new element, or NULL without
 * memory (the array is then unchanged).
 */
void *array_append(void *items, size_t *n, size_t *cap, size_t size);
