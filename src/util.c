// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "util.h"

#include "macro.h"

void *array_append(void *items, size_t *n, size_t *cap, size_t size)
{
	void **arr = items;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		void *p = realloc(*arr, ncap * size);

		if (!p)
			return NULL;
		*arr = p;
		*cap = ncap;
	}
	void *slot = (char *)*arr + (*n)++ * size;

	memset(slot, 0, size);
	return slot;
}
