//! `iptables-save -t nat`. (Being filled in.)
