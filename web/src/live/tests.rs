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
        assert_eq!(
            site.lessons,
            vec![crate::digest::site().lesson(id).unwrap().clone()]
        );
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
