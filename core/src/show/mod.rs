//! The Linux renderers: every table printed as the real tool prints it.

pub mod iptables;
