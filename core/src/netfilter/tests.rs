use super::*;

fn pkt(dst: &str, dport: u16) -> NfPacket {
    NfPacket {
        src: "10.244.0.5".parse().unwrap(),
        dst: dst.parse().unwrap(),
        proto: 6,
        dport: Some(dport),
        in_iface: Some("cni0".into()),
        out_iface: None,
        mark: 0,
        src_local: false,
        dst_local: false,
        ct_state: CtState::New,
        ct_dnat: false,
    }
}

#[test]
fn saved_probabilities_match_the_kernel_rounding() {
    assert_eq!(saved_probability(0.3333333333), "0.33333333349");
    assert_eq!(saved_probability(0.5), "0.50000000000");
    assert_eq!(saved_probability(0.2), "0.20000000019");
    assert_eq!(saved_probability(0.1428571429), "0.14285714272");
    assert_eq!(saved_probability(0.001), "0.00100000016");
    assert_eq!(saved_probability(0.0000099999), "0.00001000008");
}

#[test]
fn a_walk_follows_jumps_and_returns_the_dnat() {
    let mut t = NatTable::default();
    t.append(
        "PREROUTING",
        Rule {
            matches: vec![Match::Comment("kubernetes service portals".into())],
            target: Target::Jump("KUBE-SERVICES".into()),
            ..Default::default()
        },
    );
    t.append(
        "KUBE-SERVICES",
        Rule {
            dst: Some(Neg::is("10.96.0.20/32".parse().unwrap())),
            proto: Some(Proto::Tcp),
            matches: vec![Match::Port {
                proto: Proto::Tcp,
                dport: Some(80),
            }],
            target: Target::Jump("KUBE-SEP-A".into()),
            ..Default::default()
        },
    );
    t.append(
        "KUBE-SEP-A",
        Rule {
            target: Target::Dnat("10.244.1.10:8080".parse().unwrap()),
            proto: Some(Proto::Tcp),
            ..Default::default()
        },
    );
    let w = t.walk(Hook::Prerouting, &mut pkt("10.96.0.20", 80), &mut |_, _| {
        true
    });
    assert_eq!(
        w.verdict,
        NatVerdict::Dnat("10.244.1.10:8080".parse().unwrap())
    );
    assert_eq!(w.steps.len(), 3);
    assert_eq!(w.steps[1].trace_label(), "nat:KUBE-SERVICES:rule:1");
    let miss = t.walk(Hook::Prerouting, &mut pkt("10.96.0.21", 80), &mut |_, _| {
        true
    });
    assert_eq!(miss.verdict, NatVerdict::Accept);
    assert_eq!(
        miss.policy_label().as_deref(),
        Some("nat:PREROUTING:policy:2")
    );
}

#[test]
fn rules_print_in_iptables_save_order() {
    let r = Rule {
        dst: Some(Neg::not("10.244.0.0/16".parse().unwrap())),
        matches: vec![
            Match::Comment("kubenet: SNAT for outbound traffic from cluster".into()),
            Match::AddrTypeLocal {
                not: true,
                dst: true,
            },
        ],
        target: Target::Masquerade {
            random_fully: false,
        },
        ..Default::default()
    };
    assert_eq!(
        rule_text("POSTROUTING", &r),
        "-A POSTROUTING ! -d 10.244.0.0/16 -m comment --comment \"kubenet: SNAT for outbound traffic from cluster\" -m addrtype ! --dst-type LOCAL -j MASQUERADE"
    );
    let m = Rule {
        matches: vec![Match::Mark {
            not: true,
            value: 0x4000,
            mask: 0x4000,
        }],
        target: Target::Return,
        ..Default::default()
    };
    assert_eq!(
        rule_text("KUBE-POSTROUTING", &m),
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN"
    );
    let x = Rule {
        target: Target::MarkXor(0x4000),
        ..Default::default()
    };
    assert_eq!(
        rule_text("KUBE-POSTROUTING", &x),
        "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0"
    );
}
