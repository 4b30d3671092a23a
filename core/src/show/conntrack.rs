//! `conntrack -L` as conntrack-tools 1.4.7 prints it (conntrack(8); libnetfilter_conntrack's
//! src/conntrack/snprintf_default.c for the field order).

use crate::netns::Netns;

/// The entries, one line each, on stdout.
pub fn conntrack_l(ns: &Netns) -> String {
    ns.conntrack.lines().into_iter().map(|l| l + "\n").collect()
}

/// The summary conntrack writes to stderr after the list (always "entries", even for one).
pub fn conntrack_summary(ns: &Netns) -> String {
    format!(
        "conntrack v1.4.7 (conntrack-tools): {} flow entries have been shown.\n",
        ns.conntrack.entries.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conntrack::{CtEntry, TcpState, Tuple};
    use crate::netns::Role;

    fn tuple(proto: u8, src: &str, dst: &str, sport: u16, dport: u16) -> Tuple {
        let ip = |s: &str| s.parse().unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
        Tuple {
            proto,
            src: ip(src),
            dst: ip(dst),
            sport,
            dport,
        }
    }

    #[test]
    fn conntrack_l_prints_the_lab_entries_byte_for_byte() {
        let mut ns = Netns::new("node1", Some("node1"), Role::Node);
        let mut dnat = CtEntry::new(tuple(6, "10.244.0.3", "10.96.0.100", 55408, 80));
        dnat.reply = tuple(6, "10.244.0.2", "10.244.0.3", 8080, 55408);
        dnat.tcp_state = Some(TcpState::Established);
        dnat.seen_reply = true;
        dnat.assured = true;
        dnat.timeout = 431994;
        let mut dns = CtEntry::new(tuple(17, "10.244.0.3", "10.96.0.20", 37521, 53));
        dns.reply = tuple(17, "10.244.1.2", "10.244.0.3", 53, 37521);
        dns.seen_reply = true;
        dns.timeout = 29;
        let mut vxlan = CtEntry::new(tuple(17, "192.168.1.10", "192.168.1.11", 58044, 8472));
        vxlan.timeout = 28;
        ns.conntrack.entries = vec![dnat, dns, vxlan];
        let want = "tcp      6 431994 ESTABLISHED src=10.244.0.3 dst=10.96.0.100 sport=55408 dport=80 src=10.244.0.2 dst=10.244.0.3 sport=8080 dport=55408 [ASSURED] mark=0 use=1\n\
                    udp      17 29 src=10.244.0.3 dst=10.96.0.20 sport=37521 dport=53 src=10.244.1.2 dst=10.244.0.3 sport=53 dport=37521 mark=0 use=1\n\
                    udp      17 28 src=192.168.1.10 dst=192.168.1.11 sport=58044 dport=8472 [UNREPLIED] src=192.168.1.11 dst=192.168.1.10 sport=8472 dport=58044 mark=0 use=1\n";
        assert_eq!(conntrack_l(&ns), want);
        assert_eq!(
            conntrack_summary(&ns),
            "conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.\n"
        );
    }

    #[test]
    fn an_empty_table_prints_nothing_and_a_zero_summary() {
        let ns = Netns::new("node1", Some("node1"), Role::Node);
        assert_eq!(conntrack_l(&ns), "");
        assert_eq!(
            conntrack_summary(&ns),
            "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n"
        );
    }
}
