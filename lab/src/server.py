#!/usr/bin/env python3
# packetwalk-lab server, written by `packetwalk lab`. It accepts TCP connections on the
# lesson's ports (and closes them), swallows datagrams on other UDP ports, and answers DNS
# the way the lesson's CoreDNS does, from a table the model computed (CoreDns::answer for
# every name the pods' resolvers can ask). Every connection and question is logged; a name
# the table does not hold is answered SERVFAIL and logged as such.
import argparse, json, os, socket, struct, threading

ap = argparse.ArgumentParser()
ap.add_argument("--name", required=True)
ap.add_argument("--pidfile", required=True)
ap.add_argument("--tcp", type=int, action="append", default=[])
ap.add_argument("--udp", type=int, action="append", default=[])
ap.add_argument("--dns", help="the answers table (JSON); serve DNS on udp/53")
args = ap.parse_args()


def log(*parts):
    print(args.name, *parts, flush=True)


def name_at(buf, off):
    labels, end, jumped = [], None, False
    for _ in range(128):
        n = buf[off]
        if n & 0xC0 == 0xC0:
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | buf[off + 1]
            jumped = True
            continue
        off += 1
        if n == 0:
            break
        labels.append(buf[off:off + n].decode("ascii", "replace"))
        off += n
    return ".".join(labels) + ".", (end if jumped else off)


def wire_name(name):
    return b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".") if l) + b"\0"


def tcp_loop(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(128)

    def loop():
        while True:
            c, peer = s.accept()
            log(f"tcp/{port} accepted {peer[0]}:{peer[1]}")
            c.close()
    return loop


def udp_loop(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))

    def loop():
        while True:
            _, peer = s.recvfrom(65535)
            log(f"udp/{port} datagram from {peer[0]}:{peer[1]}")
    return loop


def dns_loop(path):
    table = json.load(open(path))
    zone, ttl = table["zone"], table["ttl"]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 53))

    def soa():
        rdata = wire_name("ns.dns." + zone) + wire_name("hostmaster." + zone)
        rdata += struct.pack("!IIIII", 1499347823, 7200, 1800, 86400, ttl)
        return wire_name(zone) + struct.pack("!HHIH", 6, 1, ttl, len(rdata)) + rdata

    def answer(pkt, peer):
        qid, flags = struct.unpack("!HH", pkt[:4])
        qname, end = name_at(pkt, 12)
        qtype, = struct.unpack("!H", pkt[end:end + 2])
        question = pkt[12:end + 4]
        t = {1: "A", 28: "AAAA"}.get(qtype, str(qtype))
        e = table["answers"].get(f"{t} {qname.lower()}")
        if e is None:
            rcode, addrs, rttl, what = 2, [], ttl, "SERVFAIL (not in the model's table)"
        else:
            rcode = {"NOERROR": 0, "NXDOMAIN": 3, "SERVFAIL": 2}[e["rcode"]]
            addrs, rttl = e["a"], e["ttl"]
            what = e["rcode"] + (" " + " ".join(addrs) if addrs else (" (NODATA)" if rcode == 0 else ""))
        log(f"dns {peer[0]}:{peer[1]} id={qid} {t}? {qname} -> {what}")
        # QR, AA, RD copied, no RA: as CoreDNS answers its zone (tcpdump prints `*-`).
        fl = 0x8000 | 0x0400 | (flags & 0x0100) | rcode
        an = b"".join(b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, rttl, 4) + socket.inet_aton(a) for a in addrs)
        auth = soa() if e is not None and not addrs and qname.lower().endswith(zone) else b""
        return struct.pack("!HHHHHH", qid, fl, 1, len(addrs), 1 if auth else 0, 0) + question + an + auth

    def loop():
        while True:
            pkt, peer = s.recvfrom(4096)
            try:
                s.sendto(answer(pkt, peer), peer)
            except Exception as err:  # a malformed query: log it, keep serving
                log(f"dns {peer[0]}:{peer[1]} unreadable query: {err}")
    return loop


loops = [tcp_loop(p) for p in args.tcp] + [udp_loop(p) for p in args.udp]
if args.dns:
    loops.append(dns_loop(args.dns))
# Every socket is bound: tell the lab we are ready.
with open(args.pidfile + ".tmp", "w") as f:
    f.write(f"{os.getpid()}\n")
os.rename(args.pidfile + ".tmp", args.pidfile)
log("listening:", " ".join([f"tcp/{p}" for p in args.tcp] + [f"udp/{p}" for p in args.udp] + (["dns udp/53"] if args.dns else [])))
threads = [threading.Thread(target=l, daemon=True) for l in loops]
for t in threads:
    t.start()
for t in threads:
    t.join()
