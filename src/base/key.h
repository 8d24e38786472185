// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// WireGuard keys in base64 (configs) and hex (UAPI). Constant time where a key is
// decoded; never printed by any caller.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define KEY_LEN	    32 /* bytes */
#define KEY_B64_LEN 44 /* without the NUL */
#define KEY_HEX_LEN 64

/* 0, or -EINVAL unless s is exactly 44 base64 characters ending in '=' decoding to
 * 32 bytes with no stray bits (behaviour.md §2.8). */
int key_from_base64(uint8_t key[static KEY_LEN], const char *s);
void key_to_base64(char out[static KEY_B64_LEN + 1], const uint8_t key[static KEY_LEN]);
int key_from_hex(uint8_t key[static KEY_LEN], const char *s);
void key_to_hex(char out[static KEY_HEX_LEN + 1], const uint8_t key[static KEY_LEN]);
bool key_is_zero(const uint8_t key[static KEY_LEN]);
