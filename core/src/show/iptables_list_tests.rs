use super::*;

#[test]
fn counters_print_as_xtables_print_num_does() {
    let f = ListFormat::default();
    assert_eq!(num(0, f, true), "    0 ");
    assert_eq!(num(99999, f, true), "99999 ");
    assert_eq!(num(100_000, f, true), " 100K ");
    assert_eq!(num(12_345_678, f, true), "  12M ");
    assert_eq!(num(100_000, f, false), "100K ");
    let x = ListFormat { exact: true, ..f };
    assert_eq!(num(100_000, x, true), "  100000 ");
}

#[test]
fn an_empty_table_lists_the_four_builtin_chains() {
    let t = NatTable::default();
    let w = Which::nat(&t);
    let text = iptables_list(w, None, &Counters::default(), ListFormat::default()).unwrap();
    assert!(text.starts_with(
        "Chain PREROUTING (policy ACCEPT)\ntarget     prot opt source               destination         \n\nChain INPUT"
    ));
    assert_eq!(text.matches("Chain ").count(), 4);
    assert_eq!(
        iptables_list(w, Some("X"), &Counters::default(), ListFormat::default()),
        Err(no_chain("nat", "X"))
    );
}

#[test]
fn the_filter_table_lists_its_three_chains_and_the_forward_policy() {
    // As `iptables -L -n` and `-S` print a fresh namespace's (iptables 1.8.9 nf_tables).
    let t = NatTable::default();
    let w = Which::filter(&t, Policy::Drop);
    let text = iptables_list(w, None, &Counters::default(), ListFormat::default()).unwrap();
    let col = "target     prot opt source               destination         \n";
    assert_eq!(text, format!("Chain INPUT (policy ACCEPT)\n{col}\nChain FORWARD (policy DROP)\n{col}\nChain OUTPUT (policy ACCEPT)\n{col}"));
    let rules = iptables_rules(w, None, None).unwrap();
    assert_eq!(
        rules,
        "-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n"
    );
    assert_eq!(
        iptables_rules(w, Some("NOPE"), None),
        Err("iptables v1.8.9 (nf_tables): chain `NOPE' in table `filter' is incompatible, use 'nft' tool.".into())
    );
}

#[test]
fn rules_with_counters_print_them_before_the_target() {
    // `iptables -A INPUT -p tcp --dport 9 -j DROP; iptables -S -v` prints
    // `-A INPUT -p tcp -m tcp --dport 9 -c 0 0 -j DROP`.
    let mut t = NatTable::default();
    t.append(
        "INPUT",
        Rule {
            proto: Some(crate::netfilter::Proto::Tcp),
            matches: vec![Match::Port {
                proto: crate::netfilter::Proto::Tcp,
                dport: Some(9),
            }],
            target: Target::Drop,
            ..Default::default()
        },
    );
    let w = Which::filter(&t, Policy::Accept);
    let rules = iptables_rules(w, Some("INPUT"), Some(&Counters::default())).unwrap();
    assert_eq!(
        rules,
        "-P INPUT ACCEPT -c 0 0\n-A INPUT -p tcp -m tcp --dport 9 -c 0 0 -j DROP\n"
    );
}
