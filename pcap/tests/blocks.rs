//! The writer's file read back with pcap-file's reader and etherparse, without tshark:
//! the blocks in order, one interface per tap, the names, time stamps in hop order, and
//! the checksums of every header.

use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use packetwalk_pcap::{pcapng, taps, timestamp};
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionOption;
use pcap_file::pcapng::blocks::name_resolution::Record;
use pcap_file::pcapng::{Block, PcapNgReader};
use pcap_file::DataLink;

/// RFC 1071: the ones' complement sum of 16-bit words; 0xffff over a correct header.
fn ones_sum(words: impl Iterator<Item = u16>) -> u16 {
    let mut s: u32 = words.map(u32::from).sum();
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    s as u16
}

fn words(b: &[u8]) -> impl Iterator<Item = u16> + '_ {
    b.chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
}

/// Checks the IPv4 header's and the TCP/UDP/ICMP checksums of an Ethernet frame, and the
/// inner frame's of a VXLAN one.
fn check_frame(data: &[u8], at: &str) {
    let p = SlicedPacket::from_ethernet(data).unwrap_or_else(|e| panic!("{at}: {e}"));
    let Some(NetSlice::Ipv4(ip)) = &p.net else {
        return;
    };
    let h = ip.header();
    assert_eq!(
        ones_sum(words(h.slice())),
        0xffff,
        "{at}: IPv4 header checksum"
    );
    let (src, dst) = (h.source(), h.destination());
    let l4 = ip.payload().payload;
    let pseudo = |proto: u8| {
        let mut v = Vec::new();
        v.extend(src);
        v.extend(dst);
        v.extend([0, proto]);
        v.extend((l4.len() as u16).to_be_bytes());
        v.extend(l4);
        v
    };
    match &p.transport {
        Some(TransportSlice::Tcp(_)) => {
            assert_eq!(ones_sum(words(&pseudo(6))), 0xffff, "{at}: TCP checksum")
        }
        Some(TransportSlice::Udp(u)) => {
            if u.checksum() != 0 {
                assert_eq!(ones_sum(words(&pseudo(17))), 0xffff, "{at}: UDP checksum");
            }
            if u.destination_port() == 8472 {
                let vx = u.payload();
                assert_eq!(vx[0], 0x08, "{at}: VXLAN flags");
                check_frame(&vx[8..], &format!("{at} (inner)"));
            }
        }
        Some(TransportSlice::Icmpv4(_)) => {
            assert_eq!(ones_sum(words(l4)), 0xffff, "{at}: ICMP checksum")
        }
        _ => {}
    }
}

#[test]
fn every_lessons_file_reads_back_block_by_block() {
    for lesson in packetwalk_lessons::all() {
        let lesson = lesson.unwrap();
        let id = &lesson.id;
        let run = lesson.run().unwrap();
        let bytes = pcapng(&run, &lesson.title);
        let seen = taps::seen(&run);
        let mut r = PcapNgReader::new(&bytes[..]).unwrap_or_else(|e| panic!("{id}: {e}"));
        let (mut names, mut records, mut packets) = (Vec::new(), Vec::new(), Vec::new());
        while let Some(b) = r.next_block() {
            match b.unwrap_or_else(|e| panic!("{id}: {e}")) {
                Block::InterfaceDescription(i) => {
                    assert_eq!(i.linktype, DataLink::ETHERNET);
                    assert!(i
                        .options
                        .contains(&InterfaceDescriptionOption::IfTsResol(9)));
                    let name = i.options.iter().find_map(|o| match o {
                        InterfaceDescriptionOption::IfName(n) => Some(n.to_string()),
                        _ => None,
                    });
                    names.push(name.expect("every interface is named"));
                }
                Block::NameResolution(n) => {
                    records.extend(n.records.into_iter().map(|r| match r {
                        Record::Ipv4(r) => (r.ip_addr.to_vec(), r.names.join(" ")),
                        other => panic!("{id}: {other:?}"),
                    }))
                }
                Block::EnhancedPacket(p) => {
                    packets.push((p.interface_id, p.timestamp, p.data.into_owned()))
                }
                other => panic!("{id}: unexpected block {other:?}"),
            }
        }
        let mut want: Vec<&str> = Vec::new();
        for s in &seen {
            if !want.contains(&s.tap.name.as_str()) {
                want.push(&s.tap.name);
            }
        }
        assert_eq!(
            names, want,
            "{id}: one interface per tap, in order of first use"
        );
        assert_eq!(
            packets.len(),
            seen.len(),
            "{id}: one packet per frame on a wire"
        );
        for ((iface, ts, data), s) in packets.iter().zip(&seen) {
            assert_eq!(names[*iface as usize], s.tap.name, "{id}: hop {}", s.hop);
            assert_eq!(*ts, timestamp(s.hop), "{id}: hop {}", s.hop);
            check_frame(data, &format!("{id} hop {}", s.hop));
        }
        assert!(
            packets.windows(2).all(|w| w[0].1 < w[1].1),
            "{id}: time goes forward"
        );
        // Pods and Services by name.
        let cluster = run.cluster();
        for svc in &cluster.spec.services {
            let name = format!("{}.{}.svc.cluster.local", svc.name, svc.namespace);
            assert!(
                records
                    .iter()
                    .any(|(ip, n)| *ip == svc.cluster_ip.octets() && n.contains(&name)),
                "{id}: {name}"
            );
        }
        for ns in cluster.netns.iter().filter(|n| n.is_pod()) {
            let ip = ns.iface("eth0").and_then(|i| i.primary_addr()).unwrap();
            assert!(
                records
                    .iter()
                    .any(|(a, n)| *a == ip.octets() && *n == ns.name),
                "{id}: pod {}",
                ns.name
            );
        }
    }
}

#[test]
fn a_vxlan_walk_shows_both_ends_of_each_veth_and_the_fabric_has_its_interface() {
    let vx = packetwalk_lessons::load("cross-node-vxlan")
        .unwrap()
        .unwrap()
        .run()
        .unwrap();
    let names: Vec<String> = taps::seen(&vx).into_iter().map(|s| s.tap.name).collect();
    for n in [
        "frontend/eth0",
        "worker-node-1/cni0",
        "worker-node-1/flannel.1",
        "worker-node-1/eth0",
        "worker-node-2/eth0",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
    }
    assert!(names.iter().any(|x| x.starts_with("worker-node-1/veth")));
    let kubenet = packetwalk_lessons::load("cross-node-kubenet")
        .unwrap()
        .unwrap()
        .run()
        .unwrap();
    assert!(taps::seen(&kubenet)
        .iter()
        .any(|s| s.tap.name == "azure:vnet"));
}
