//! kube-proxy in iptables mode: Services + endpoints → the nat rules it writes. (Being filled in.)
