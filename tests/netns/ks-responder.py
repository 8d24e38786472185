#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The "up" side services of the kill-switch tests (killswitch-netns.md §6.1), run inside a namespace
# the test made; it writes nothing to disk.
#
#   ks-responder.py serve ADDR...   DNS on udp and tcp 53 of every ADDR (each A query is
#                                   answered with 198.51.100.53) and a udp/8053 echo on
#                                   the first ADDR; runs until killed.
import selectors
import socket
import struct
import sys

IP_FREEBIND = 15
ANSWER = bytes([198, 51, 100, 53])


def reply(query):
    """The answer to one DNS query: the question echoed, one A record."""
    if len(query) < 12:
        return None
    qid = query[:2]
    end = 12
    while end < len(query) and query[end] != 0:
        end += query[end] + 1
    question = query[12:end + 5]
    header = qid + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)
    record = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + ANSWER
    return header + question + record


def bound(kind, addr, port):
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IP, IP_FREEBIND, 1)
    s.bind((addr, port))
    if kind == socket.SOCK_STREAM:
        s.listen(16)
    s.setblocking(False)
    return s


def tcp_client(conn):
    conn.settimeout(2)
    try:
        data = b""
        while len(data) < 2 or len(data) < 2 + struct.unpack(">H", data[:2])[0]:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        ans = reply(data[2:])
        if ans:
            conn.sendall(struct.pack(">H", len(ans)) + ans)
    except OSError:
        pass
    finally:
        conn.close()


def serve(addrs):
    sel = selectors.DefaultSelector()
    for a in addrs:
        sel.register(bound(socket.SOCK_DGRAM, a, 53), selectors.EVENT_READ, "dns")
        sel.register(bound(socket.SOCK_STREAM, a, 53), selectors.EVENT_READ, "tcp")
    sel.register(bound(socket.SOCK_DGRAM, addrs[0], 8053), selectors.EVENT_READ, "echo")
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            try:
                if key.data == "tcp":
                    conn, _ = s.accept()
                    tcp_client(conn)
                    continue
                data, peer = s.recvfrom(4096)
                out = data if key.data == "echo" else reply(data)
                if out:
                    s.sendto(out, peer)
            except OSError:
                pass


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2:])
    else:
        sys.exit(2)
