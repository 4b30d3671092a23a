use super::*;

fn ask(id: &str, settings: &[&str], file: File) -> (LiveHead, Site) {
    answer(&Request {
        id: id.into(),
        settings: settings.iter().map(|s| s.to_string()).collect(),
        file,
    })
}

#[test]
fn the_embedded_lesson_comes_back_as_the_build_digested_it_with_its_switches() {
    for (id, text) in packetwalk_lessons::FILES {
        let (head, site) = ask(id, &[], File::Embedded);
        assert_eq!(head.error, "", "{id}");
        assert_eq!(head.toml, *text);
        assert_eq!(head.packed, "", "{id}: not edited");
        // The build also counts the lesson's challenges, for the home page.
        let mut built = crate::digest::site().lesson(id).unwrap().clone();
        if let Ok(b) = &mut built.body {
            b.walks.iter_mut().for_each(|w| w.challenges = 0);
        }
        assert_eq!(site.lessons, vec![built]);
        assert!(
            head.switches.contains("net.ipv4.ip_forward"),
            "{id} has switches"
        );
    }
}

#[test]
fn every_switch_of_every_lesson_runs_and_is_listed_with_its_value() {
    for (id, _) in packetwalk_lessons::FILES {
        let lesson = packetwalk_lessons::load(id).unwrap().unwrap();
        for sw in switches::available(&lesson) {
            for v in &sw.values[1..] {
                let s = sw.setting(v).to_string();
                let (h, site) = ask(id, &[&s], File::Embedded);
                assert_eq!(h.error, "", "{id} {s}");
                assert_eq!(h.applied, vec![s.clone()]);
                let selected = format!("<option value=\"{v}\" selected>");
                let row = h
                    .switches
                    .split("<li")
                    .find(|r| r.contains(&format!("data-testid=\"switch-{}\"", sw.key)))
                    .unwrap_or_else(|| panic!("{id}: {} listed", sw.key));
                assert!(row.contains(&selected), "{id} {s}: {row}");
                let own = format!("data-own=\"{}\"", sw.values[0]);
                assert!(
                    row.contains(&own),
                    "{id} {s}: the lesson's own value stays first: {row}"
                );
                let body = site.lessons[0].body.as_ref().expect("runs");
                assert_eq!(
                    body.walks[0].what_if.as_ref().map(|w| w.slug.as_str()),
                    Some(s.as_str())
                );
            }
        }
    }
}

#[test]
fn an_edit_round_trips_through_the_url_and_a_mistake_names_its_line() {
    let text = packetwalk_lessons::FILES[1]
        .1
        .replace("title = ", "title = \"x\"\n#");
    let packed = pack(&text);
    assert_eq!(unpack(&packed).unwrap(), text);
    let (head, site) = ask(
        packetwalk_lessons::FILES[1].0,
        &[],
        File::Packed(packed.clone()),
    );
    assert_eq!(
        (head.error.as_str(), head.packed.as_str()),
        ("", packed.as_str())
    );
    assert_eq!(site.lessons[0].title, "x");

    let broken = packetwalk_lessons::FILES[1]
        .1
        .replacen("ip = \"", "ip = \"300.", 1);
    let (head, site) = ask(
        packetwalk_lessons::FILES[1].0,
        &[],
        File::Text(broken.clone()),
    );
    assert!(head.error.starts_with("edited.toml:"), "{}", head.error);
    let line = broken.lines().position(|l| l.contains("300.")).unwrap() + 1;
    assert_eq!(head.error_line as usize, line, "{}", head.error);
    assert!(site.lessons.is_empty());
}

#[test]
fn bad_links_and_settings_are_answers_not_panics() {
    let (head, _) = ask("clusterip", &[], File::Packed("not*base64".into()));
    assert!(head.error.contains("damaged"), "{}", head.error);
    let (head, _) = ask("clusterip", &["no.such.setting=1"], File::Embedded);
    assert!(!head.error.is_empty());
    let (head, _) = ask("nope", &[], File::Embedded);
    assert!(head.error.contains("no lesson"));
    let (head, _) = ask("clusterip", &[], File::Text("x".repeat(MAX_FILE + 1)));
    assert!(head.error.contains("at most"), "{}", head.error);
    let (head, _) = ask("clusterip", &[], File::Text("\u{0}[[[".into()));
    assert!(head.error.starts_with("edited.toml:"), "{}", head.error);
}

fn pcap_of(id: &str, settings: &[&str], file: File) -> Result<Vec<u8>, String> {
    pcap(&Request {
        id: id.into(),
        settings: settings.iter().map(|s| s.to_string()).collect(),
        file,
    })
}

/// What `packetwalk pcap <lesson> [--set …]` writes.
fn cli_pcap(lesson: &packetwalk_lessons::Lesson) -> Vec<u8> {
    let run = lesson.run().unwrap();
    packetwalk_pcap::pcapng(&run, &packetwalk_pcap::title(&lesson.id, &lesson.title))
}

#[test]
fn the_pcap_answer_is_the_cli_file_for_every_lesson_and_every_switch_changes_it() {
    let mut changed = 0;
    for (id, _) in packetwalk_lessons::FILES {
        let lesson = packetwalk_lessons::load(id).unwrap().unwrap();
        let bytes = pcap_of(id, &[], File::Embedded).unwrap();
        assert_eq!(
            &bytes[..4],
            &[0x0a, 0x0d, 0x0d, 0x0a],
            "{id}: a Section Header Block"
        );
        assert!(
            bytes == cli_pcap(&lesson),
            "{id}: the page's file is the CLI's"
        );
        for sw in switches::available(&lesson) {
            let s = sw.setting(&sw.values[1]);
            let switched = switches::apply(&lesson, std::slice::from_ref(&s)).unwrap();
            let got = pcap_of(id, &[&s.to_string()], File::Embedded).unwrap();
            assert!(
                got == cli_pcap(&switched),
                "{id} {s}: the page's file is the CLI's"
            );
            // A switch that changes the walk changes the file (ip_forward changes nothing
            // in a pod's own loopback).
            let walks_differ =
                lesson.run().unwrap().trace.hops.len() != switched.run().unwrap().trace.hops.len();
            if walks_differ {
                assert!(got != bytes, "{id} {s}: the switch changes the file");
                changed += 1;
            }
        }
    }
    assert!(changed >= 8, "only {changed} switches changed a walk");
}

#[test]
fn the_pcap_of_an_edit_is_the_edited_walk_and_a_bad_request_is_an_error() {
    let (id, text) = packetwalk_lessons::FILES[1];
    let edited = text.replace("title = ", "title = \"x\"\n#");
    let lesson = packetwalk_lessons::parse(EDITED, id, &edited).unwrap();
    let bytes = pcap_of(id, &[], File::Packed(pack(&edited))).unwrap();
    assert!(bytes == cli_pcap(&lesson));
    assert!(
        bytes != pcap_of(id, &[], File::Embedded).unwrap(),
        "its title differs"
    );
    let broken = text.replacen("ip = \"", "ip = \"300.", 1);
    let e = pcap_of(id, &[], File::Text(broken)).unwrap_err();
    assert!(e.starts_with("edited.toml:"), "{e}");
    assert!(pcap_of("nope", &[], File::Embedded)
        .unwrap_err()
        .contains("no lesson"));
    assert!(pcap_of("clusterip", &["no.such.setting=1"], File::Embedded).is_err());
}

#[test]
fn the_editor_grows_the_file_it_has() {
    let req = |file| Request {
        id: "clusterip".into(),
        settings: Vec::new(),
        file,
    };
    let grown = super::grow(&req(File::Embedded), "node").unwrap();
    assert!(grown.contains("name = \"worker-node-3\""), "{grown}");
    let again = super::grow(&req(File::Packed(super::pack(&grown))), "pod").unwrap();
    assert!(again.contains("worker-node-3") && again.len() > grown.len());
    let e = super::grow(&req(File::Text("title = 1".into())), "service").unwrap_err();
    assert!(e.starts_with("fix the file first: edited.toml:1"), "{e}");
    assert!(super::grow(&req(File::Embedded), "router").is_err());
}

#[test]
fn a_challenge_breaks_the_lesson_without_saying_how() {
    let breaks = packetwalk_lessons::challenges::breaks(
        &packetwalk_lessons::load("clusterip").unwrap().unwrap(),
    );
    assert!(!breaks.is_empty());
    for (n, b) in breaks.iter().enumerate() {
        let (head, site) = ask("clusterip", &[&format!("challenge={n}")], File::Embedded);
        assert!(head.error.is_empty(), "{}", head.error);
        let (_, open) = ask("clusterip", &[&b.setting.to_string()], File::Embedded);
        let walk = |s: &Site| s.lessons[0].body.as_ref().unwrap().walks[0].hops.len();
        assert_eq!(walk(&site), walk(&open), "the challenge runs its break");
        // The card names every break as a choice, this one marked right; the switch list
        // shows the lesson's own values, so the break is not given away.
        let right = format!(
            "data-right=\"1\" data-testid=\"guess\">{}</button>",
            b.label
        );
        assert!(head.challenge.contains(&right), "{}", head.challenge);
        assert_eq!(head.challenge.matches("data-right=\"1\"").count(), 1);
        assert!(
            head.challenge.matches("data-testid=\"guess\"").count() >= 2,
            "more than one suspect"
        );
        let (own, _) = ask("clusterip", &[], File::Embedded);
        assert_eq!(head.switches, own.switches);
        assert_eq!(head.applied, vec![format!("challenge={n}")]);
    }
    let (head, _) = ask("clusterip", &["challenge=99"], File::Embedded);
    assert!(
        head.error.contains("there is no challenge 99"),
        "{}",
        head.error
    );
    let (head, _) = ask("clusterip", &["challenge=x"], File::Embedded);
    assert!(
        head.error.contains("a challenge is a number"),
        "{}",
        head.error
    );
}

fn line(
    runs: &mut shell::Runs,
    id: &str,
    settings: &[&str],
    netns: &str,
    hop: Option<usize>,
    text: &str,
) -> shell::ShellAnswer {
    let req = shell::ShellRequest {
        lesson: Request {
            id: id.into(),
            settings: settings.iter().map(|s| s.to_string()).collect(),
            file: File::Embedded,
        },
        netns: netns.into(),
        hop,
        line: text.into(),
        complete: false,
    };
    shell::shell(runs, &req)
}

#[test]
fn the_shell_answers_what_packetwalk_show_prints_for_the_same_walk_namespace_and_hop() {
    use packetwalk_core::show::{self, Table};
    let mut runs = shell::Runs::default();
    let set = "net.ipv4.ip_forward=0@worker-node-1";
    let lesson = switches::apply(
        &packetwalk_lessons::load("clusterip").unwrap().unwrap(),
        &[set.parse().unwrap()],
    )
    .unwrap();
    let run = lesson.run().unwrap();
    for hop in [Some(0), Some(10), None] {
        let (namespaces, _) = run.state_at(hop.or(Some(run.trace.hops.len() - 1)));
        for ns in namespaces {
            for (t, cmd) in [
                (Table::IpAddr, "ip a"),
                (Table::IpRoute, "ip r"),
                (Table::IpNeigh, "ip n"),
            ] {
                let a = line(&mut runs, "clusterip", &[set], &ns.name, hop, cmd);
                assert_eq!(a.out, show::render(ns, t), "{} {hop:?} {cmd}", ns.name);
                assert_eq!((a.err.as_str(), a.netns.as_str()), ("", ns.name.as_str()));
            }
        }
    }
    let a = line(
        &mut runs,
        "clusterip",
        &[set],
        "worker-node-1",
        None,
        "sysctl net.ipv4.ip_forward",
    );
    assert_eq!(a.out, "net.ipv4.ip_forward = 0\n");
}

#[test]
fn the_shell_starts_where_the_packet_leaves_moves_with_enter_and_completes() {
    let mut runs = shell::Runs::default();
    let a = line(&mut runs, "clusterip", &[], "", None, "hostname");
    assert_eq!(
        (a.out.as_str(), a.netns.as_str()),
        ("frontend\n", "frontend")
    );
    let a = line(
        &mut runs,
        "clusterip",
        &[],
        "frontend",
        None,
        "enter worker-node-2",
    );
    assert_eq!(
        (a.out.as_str(), a.err.as_str(), a.netns.as_str()),
        ("", "", "worker-node-2")
    );
    assert!(line(&mut runs, "clusterip", &[], "frontend", None, "exit").exit);
    let req = shell::ShellRequest {
        lesson: Request {
            id: "clusterip".into(),
            ..Request::default()
        },
        netns: "frontend".into(),
        hop: Some(3),
        line: "ip netns exec work".into(),
        complete: true,
    };
    let a = shell::shell(&mut runs, &req);
    assert_eq!(a.start, 14);
    assert_eq!(a.completions, ["worker-node-1", "worker-node-2"]);
    assert_eq!(a.out, "");
    // The page's terminal: the common part filled in, the candidates listed below the line.
    assert_eq!(a.completed.as_deref(), Some("ip netns exec worker-node-"));
    assert!(a
        .html
        .ends_with("ip netns exec work</span>\nworker-node-1  worker-node-2\n"));
    let one = shell::shell(
        &mut runs,
        &shell::ShellRequest {
            line: "enter fro".into(),
            ..req
        },
    );
    assert_eq!(one.completed.as_deref(), Some("enter frontend "));
    assert_eq!(one.html, "", "one candidate: filled in, nothing printed");
    // What it prints, escaped, the errors apart.
    let a = line(&mut runs, "clusterip", &[], "frontend", None, "curl '<x>'");
    assert!(a.html.starts_with("<span class=\"prompt\">root@frontend:~# </span><span class=\"cmd\">curl &#39;&lt;x&gt;&#39;</span>\n<span class=\"err\">"), "{}", a.html);
    // curl walks the learner's own packet from the page's lesson.
    let a = line(
        &mut runs,
        "clusterip",
        &[],
        "frontend",
        None,
        "curl 10.244.0.15:9",
    );
    assert!(a.err.contains("# packetwalk: the walk took"), "{a:?}");
}

#[test]
fn a_bad_lesson_namespace_or_hop_is_an_answer_for_the_shell() {
    let mut runs = shell::Runs::default();
    assert!(line(&mut runs, "nope", &[], "", None, "ip r")
        .err
        .contains("no lesson `nope`"));
    assert!(
        line(&mut runs, "clusterip", &["no.such=1"], "", None, "ip r")
            .err
            .contains("no.such")
    );
    let a = line(&mut runs, "clusterip", &[], "nowhere", None, "ip r");
    assert!(a.err.contains("namespaces: worker-node-1"), "{a:?}");
    assert_eq!(a.netns, "nowhere");
    assert!(line(
        &mut runs,
        "clusterip",
        &[],
        "frontend",
        Some(1_000_000),
        "ip r"
    )
    .err
    .contains("out of range"));
    assert!(
        line(&mut runs, "clusterip", &[], "frontend", None, "\u{0}'")
            .err
            .contains("not closed")
    );
}
