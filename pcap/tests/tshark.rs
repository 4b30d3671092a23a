//! Every lesson's capture as tshark reads it: no warning, every frame's fields equal to its
//! hop's packet (outer and inner for VXLAN), every checksum correct, every frame commented
//! with its hop, every drop told. Skipped, saying why, where tshark is not installed
//! (scripts/setup.sh installs it, so CI runs it).

use packetwalk_core::packet::{Body, Frame, UdpPayload, L4};
use packetwalk_core::trace::Event;
use packetwalk_pcap::taps;
use std::path::{Path, PathBuf};
use std::process::Command;

const FIELDS: &[&str] = &[
    "frame.comment",
    "frame.interface_name",
    "eth.src",
    "eth.dst",
    "ip.src",
    "ip.dst",
    "ip.ttl",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.flags",
    "udp.srcport",
    "udp.dstport",
    "vxlan.vni",
    "dns.qry.name",
    "dns.a",
];

fn tshark_missing() -> bool {
    Command::new("tshark").arg("--version").output().is_err()
}

/// Runs tshark; returns stdout, failing on a non-zero exit or anything on stderr but the
/// notice it prints when run as root.
fn tshark(args: &[&str]) -> String {
    let out = Command::new("tshark")
        .args(args)
        .output()
        .expect("tshark runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let complaints: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("Running as user \"root\""))
        .collect();
    assert!(
        out.status.success() && complaints.is_empty(),
        "tshark {args:?}: {}\n{}",
        out.status,
        complaints.join("\n")
    );
    String::from_utf8(out.stdout).expect("tshark prints UTF-8")
}

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("packetwalk-pcap-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The fields tshark shows for a frame, each as the list of its occurrences (outer first).
#[derive(Default)]
struct Want {
    v: Vec<Vec<String>>,
}

impl Want {
    fn of(f: &Frame) -> Vec<String> {
        let mut w = Want {
            v: vec![Vec::new(); FIELDS.len()],
        };
        w.add(f);
        w.v.into_iter().map(|x| x.join(",")).collect()
    }
    fn push(&mut self, field: &str, value: String) {
        let i = FIELDS.iter().position(|f| *f == field).unwrap();
        self.v[i].push(value);
    }
    fn add(&mut self, f: &Frame) {
        let eth = f.eth.expect("a frame on a wire has an Ethernet header");
        self.push("eth.src", eth.src.to_string());
        self.push("eth.dst", eth.dst.to_string());
        let Body::Ipv4(ip) = &f.body else { return };
        self.add_ip(ip);
    }
    fn add_ip(&mut self, ip: &packetwalk_core::packet::Ipv4) {
        self.push("ip.src", ip.src.to_string());
        self.push("ip.dst", ip.dst.to_string());
        self.push("ip.ttl", ip.ttl.to_string());
        match &ip.l4 {
            L4::Tcp(t) => {
                self.push("tcp.srcport", t.sport.to_string());
                self.push("tcp.dstport", t.dport.to_string());
                let fl = t.flags;
                let bits = u16::from(fl.fin)
                    | u16::from(fl.syn) << 1
                    | u16::from(fl.rst) << 2
                    | u16::from(fl.ack) << 4;
                self.push("tcp.flags", format!("0x{bits:04x}"));
            }
            L4::Udp(u) => {
                self.push("udp.srcport", u.sport.to_string());
                self.push("udp.dstport", u.dport.to_string());
                match &u.payload {
                    UdpPayload::Vxlan(v) => {
                        self.push("vxlan.vni", v.vni.to_string());
                        self.add(&v.inner);
                    }
                    UdpPayload::Dns(m) => {
                        self.push("dns.qry.name", m.qname.trim_end_matches('.').to_string());
                        if m.response {
                            for a in &m.answers {
                                self.push("dns.a", a.a.to_string());
                            }
                        }
                    }
                    UdpPayload::Data => {}
                }
            }
            // An error's quote: tshark dissects the packet inside it.
            L4::Icmp(i) => {
                if let Some(q) = &i.quote {
                    self.add_ip(q);
                }
            }
        }
    }
}

fn check_lesson(dir: &Path, lesson: &packetwalk_lessons::Lesson) {
    let run = lesson.run().unwrap();
    let bytes = packetwalk_pcap::pcapng(&run, &lesson.title);
    let file = dir.join(format!("{}.pcapng", lesson.id));
    std::fs::write(&file, bytes).unwrap();
    let file = file.to_str().unwrap();
    let id = &lesson.id;

    tshark(&["-r", file]);

    let mut args = vec![
        "-r",
        file,
        "-d",
        "udp.port==8472,vxlan",
        "-T",
        "fields",
        "-E",
        "separator=/t",
    ];
    for f in FIELDS {
        args.extend(["-e", f]);
    }
    let rows = tshark(&args);
    let rows: Vec<Vec<&str>> = rows.lines().map(|l| l.split('\t').collect()).collect();
    let seen = taps::seen(&run);
    assert_eq!(rows.len(), seen.len(), "{id}: one frame per wire crossing");
    assert!(!seen.is_empty(), "{id}: a walk puts frames on wires");
    for (n, (row, s)) in rows.iter().zip(&seen).enumerate() {
        let want = Want::of(s.frame);
        let at = format!("{id} frame {} (hop {})", n + 1, s.hop);
        assert!(
            row[0].starts_with(&format!("#{} ", s.hop)),
            "{at}: comment {:?}",
            row[0]
        );
        assert_eq!(row[1], s.tap.name, "{at}: interface");
        for (i, field) in FIELDS.iter().enumerate().skip(2) {
            assert_eq!(row[i], want[i], "{at}: {field}");
        }
    }

    // Every drop after the first frame is told in the comment of the frame before it.
    let comments: Vec<&str> = rows.iter().map(|r| r[0]).collect();
    for (j, h) in run.trace.hops.iter().enumerate() {
        if matches!(h.event, Event::Drop { .. }) && seen.first().is_some_and(|s| s.hop < j) {
            let told = format!("dropped at #{j} ");
            assert!(
                comments.iter().any(|c| c.contains(&told)),
                "{id}: drop at hop {j} not in any comment"
            );
        }
    }

    let bad = tshark(&[
        "-r",
        file,
        "-d",
        "udp.port==8472,vxlan",
        "-o",
        "ip.check_checksum:TRUE",
        "-o",
        "tcp.check_checksum:TRUE",
        "-o",
        "udp.check_checksum:TRUE",
        "-Y",
        "ip.checksum.status==2 || tcp.checksum.status==2 || udp.checksum.status==2 \
         || icmp.checksum.status==2 || _ws.malformed || _ws.expert.severity==error",
    ]);
    assert!(
        bad.is_empty(),
        "{id}: bad checksums or malformed frames:\n{bad}"
    );
}

#[test]
fn every_lessons_capture_reads_back_in_tshark_as_its_trace() {
    if tshark_missing() {
        eprintln!("skipped: tshark is not installed (bash scripts/setup.sh installs it)");
        return;
    }
    let dir = temp_dir();
    for lesson in packetwalk_lessons::all() {
        check_lesson(&dir, &lesson.unwrap());
    }
    std::fs::remove_dir_all(&dir).ok();
}
