use super::*;

#[test]
fn a_switch_replaces_its_own_setting_and_leaves_the_others() {
    let fwd = |s: &[String], v| with_setting(s, "net.ipv4.ip_forward", "n1", "1", v);
    let s = fwd(&[], "0");
    assert_eq!(s, ["net.ipv4.ip_forward=0@n1"]);
    let s = with_setting(&s, "ndots", "", "5", "1");
    assert_eq!(s, ["net.ipv4.ip_forward=0@n1", "ndots=1"]);
    let s = fwd(&s, "1");
    assert_eq!(s, ["ndots=1"], "back to the lesson's own value: left out");
    assert_eq!(
        key_of("kube-proxy.endpoint=10.244.0.15:8080"),
        "kube-proxy.endpoint"
    );
}
