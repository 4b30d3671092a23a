use super::*;

fn ok(args: &[&str]) -> Cmd {
    parse(args.iter().copied()).unwrap_or_else(|e| panic!("{args:?}: {e:?}"))
}
fn err(args: &[&str]) -> String {
    parse(args.iter().copied()).unwrap_err().message
}

#[test]
fn every_command_parses_in_its_forms() {
    assert_eq!(ok(&[]), Cmd::Help(HELP));
    assert_eq!(ok(&["list"]), Cmd::List);
    let json = Cmd::Trace {
        lesson: "dns".into(),
        format: Format::Json,
        set: vec![],
    };
    assert_eq!(ok(&["trace", "dns", "--format", "json"]), json);
    assert_eq!(ok(&["trace", "--format=json", "dns"]), json);
    assert_eq!(ok(&["trace", "dns", "-f", "json"]), json);
    assert_eq!(ok(&["trace", "dns", "-fjson"]), json);
    assert_eq!(
        ok(&["show", "dns", "web", "route", "--hop", "3"]),
        Cmd::Show {
            lesson: "dns".into(),
            netns: "web".into(),
            table: "route".into(),
            hop: Some(3),
            set: vec![],
        }
    );
    assert_eq!(
        ok(&["lab", "dns", "--teardown"]),
        Cmd::Lab {
            lesson: "dns".into(),
            teardown: true,
            set: vec![],
        }
    );
    let pcap = Cmd::Pcap {
        lesson: "dns".into(),
        output: Some("walk.pcapng".into()),
        set: vec![],
    };
    assert_eq!(ok(&["pcap", "dns", "-o", "walk.pcapng"]), pcap);
    assert_eq!(ok(&["pcap", "--output=walk.pcapng", "dns"]), pcap);
    assert_eq!(
        ok(&["pcap", "dns"]),
        Cmd::Pcap {
            lesson: "dns".into(),
            output: None,
            set: vec![],
        }
    );
    assert_eq!(ok(&["help", "pcap"]), Cmd::Help(PCAP_HELP));
    assert_eq!(ok(&["help", "show"]), Cmd::Help(SHOW_HELP));
    assert_eq!(ok(&["list", "--help"]), Cmd::Help(LIST_HELP));
    assert_eq!(
        ok(&["shell", "dns", "--netns", "web", "--hop", "4"]),
        Cmd::Shell {
            lesson: "dns".into(),
            netns: Some("web".into()),
            hop: Some(4),
            set: vec![],
        }
    );
    assert_eq!(ok(&["help", "shell"]), Cmd::Help(SHELL_HELP));
    assert!(err(&["shell"]).starts_with("shell needs a lesson"));
    assert!(err(&["shell", "dns", "--teardown"]).contains("--teardown"));
}

#[test]
fn what_a_command_does_not_take_is_refused() {
    assert!(err(&["list", "extra"]).contains("unexpected argument `extra`"));
    assert!(err(&["trace", "dns", "--format", "json", "-f", "text"]).contains("twice"));
    assert!(err(&["show", "dns", "web", "route", "--hop", "1", "--hop", "2"]).contains("twice"));
    assert!(err(&["lab", "dns", "--teardown", "--teardown"]).contains("twice"));
    assert!(err(&["pcap", "dns", "-o", "a", "-o", "b"]).contains("twice"));
    assert!(err(&["pcap", "dns", "-o"]).contains("missing argument"));
    assert!(err(&["trace", "dns", "-o", "x"]).contains("invalid option '-o'"));
    assert!(err(&["lab", "dns", "--teardown=yes"])
        .contains("unexpected argument for option '--teardown'"));
    assert!(err(&["trace", "dns", "--hop", "1"]).contains("invalid option '--hop'"));
    assert!(err(&["show", "dns", "web"]).contains("needs a table"));
    assert!(err(&["trace"]).contains("needs a lesson; the lessons: inside-a-pod"));
    assert!(err(&["trace", "dns", "--format"]).contains("missing argument"));
    assert!(err(&["frob"]).contains("unknown command `frob`"));
    assert!(err(&["help", "frob"]).contains("unknown command `frob`"));
    assert!(err(&["switches"]).contains("switches needs a lesson"));
    assert!(err(&["switches", "dns", "extra"]).contains("unexpected argument `extra`"));
    assert!(err(&["switches", "dns", "--set", "ndots=1"]).contains("invalid option '--set'"));
    assert!(err(&["list", "--set", "ndots=1"]).contains("invalid option '--set'"));
    assert!(err(&["trace", "dns", "--set"]).contains("missing argument"));
    assert!(err(&["trace", "dns", "--set", "ndots"]).contains("--set: `ndots` is not a setting"));
    assert!(err(&["trace", "dns", "--set", "a=1@"]).contains("NAME=VALUE@WHERE"));
}

#[test]
fn set_is_repeatable_and_kept_in_order() {
    let s = |t: &str| t.parse::<Setting>().unwrap();
    assert_eq!(
        ok(&[
            "trace",
            "cross-node-kubenet",
            "--set",
            "net.ipv4.ip_forward=0@node-a",
            "--set=net.bridge.bridge-nf-call-iptables=0",
        ]),
        Cmd::Trace {
            lesson: "cross-node-kubenet".into(),
            format: Format::Text,
            set: vec![
                s("net.ipv4.ip_forward=0@node-a"),
                s("net.bridge.bridge-nf-call-iptables=0")
            ],
        }
    );
    assert_eq!(
        ok(&["show", "dns", "web", "resolv.conf", "--set", "ndots=1"]),
        Cmd::Show {
            lesson: "dns".into(),
            netns: "web".into(),
            table: "resolv.conf".into(),
            hop: None,
            set: vec![s("ndots=1")],
        }
    );
    assert!(matches!(
        ok(&["pcap", "clusterip", "--set", "kube-proxy.endpoint=10.244.0.16:8080"]),
        Cmd::Pcap { set, .. } if set.len() == 1
    ));
    assert!(matches!(
        ok(&["lab", "clusterip", "--set", "net.ipv4.ip_forward=1"]),
        Cmd::Lab { set, .. } if set.len() == 1
    ));
    assert_eq!(
        ok(&["switches", "dns"]),
        Cmd::Switches {
            lesson: "dns".into()
        }
    );
    assert_eq!(ok(&["help", "switches"]), Cmd::Help(SWITCHES_HELP));
    assert_eq!(ok(&["switches", "--help"]), Cmd::Help(SWITCHES_HELP));
}
