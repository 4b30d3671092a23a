use crate::Lab;

#[test]
fn the_clusterip_script_builds_the_model_not_a_hand_written_topology() {
    let lab = Lab::load("clusterip").unwrap();
    let s = lab.setup_script();
    assert!(s.contains("ip -n pw-clu-worker-node-1 link add veth2900dfab type veth peer name eth0 netns pw-clu-frontend\n"));
    assert!(s.contains("ip -n pw-clu-worker-node-1 link add flannel.1 type vxlan id 1 local 192.168.1.10 dev eth0 dstport 8472 nolearning\n"));
    assert!(s.contains("bridge -n pw-clu-worker-node-1 fdb append "));
    assert!(s.contains("route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink\n"));
    assert!(s.contains("-A KUBE-SVC-YJHZHYHNQFKFTDKK -m comment --comment \"default/backend-svc:http -> 10.244.0.17:8080\" -j KUBE-SEP-LC5HEUB7I6WJ43QD\n"));
    assert!(s.contains("type bridge_slave hairpin on"));
    assert!(
        !s.contains("ip link add"),
        "nothing may be created in the host's namespace"
    );
}

#[test]
fn teardown_names_every_namespace_and_is_idempotent_by_construction() {
    let lab = Lab::load("egress").unwrap();
    let t = lab.teardown_script();
    for ns in lab.names.all_ns() {
        assert!(t.contains(&ns), "{ns}");
    }
    assert!(t.contains("[ -e \"/run/netns/$ns\" ] || continue"));
    assert!(!t.contains("set -e\n") && !t.contains("pkill") && !t.contains("killall"));
}
