// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Small helpers shared by every module.
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Append one zeroed element of size bytes to the array *items holding *n of *cap,
 * growing it (doubling, starting at 8). Returns the new element, or NULL without
 * memory (the array is then unchanged).
 */
void *array_append(void *items, size_t *n, size_t *cap, size_t size);

/*
 * Make room for want elements of size bytes in all in the array *items of capacity
 * *cap, appending none: grown to want, or to twice *cap when that is more, so that
 * repeated calls stay linear. 0, or -ENOMEM (the array then unchanged).
 */
int array_reserve(void *items, size_t *cap, size_t want, size_t size);

/* Write all of buf to fd, retrying short writes and EINTR; stops at the first error.
 * 0, or -errno of that error (-EIO when write returned 0). */
int write_all(int fd, const void *buf, size_t len);

/* Is s non-empty and made of ASCII digits only? */
bool str_all_digits(const char *s);
