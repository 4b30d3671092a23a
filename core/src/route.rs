//! A route table (the main table) whose lookup returns the matched row, chosen by
//! longest prefix, together with the subnet test made for every row.

use crate::addr::SubnetCheck;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;

/// One row of `ip route`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub dst: Ipv4Net,
    pub via: Option<Ipv4Addr>,
    pub dev: String,
    /// `proto kernel scope link src …`: the route the kernel adds for an address's subnet.
    pub kernel: bool,
    pub src: Option<Ipv4Addr>,
    /// `onlink`: use the gateway although no connected subnet holds it (flannel sets this).
    pub onlink: bool,
}

impl Route {
    pub fn connected(dst: Ipv4Net, dev: &str, src: Ipv4Addr) -> Route {
        Route {
            dst: dst.trunc(),
            via: None,
            dev: dev.into(),
            kernel: true,
            src: Some(src),
            onlink: false,
        }
    }
    pub fn via(dst: Ipv4Net, gw: Ipv4Addr, dev: &str) -> Route {
        Route {
            dst: dst.trunc(),
            via: Some(gw),
            dev: dev.into(),
            kernel: false,
            src: None,
            onlink: false,
        }
    }
}

/// iproute2 6.1 form, with its trailing space: `10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink `.
impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.dst.prefix_len() == 0 {
            f.write_str("default")?;
        } else if self.dst.prefix_len() == 32 {
            write!(f, "{}", self.dst.addr())?;
        } else {
            write!(f, "{}", self.dst)?;
        }
        if let Some(gw) = self.via {
            write!(f, " via {gw}")?;
        }
        write!(f, " dev {}", self.dev)?;
        if self.kernel {
            f.write_str(" proto kernel scope link")?;
        }
        if let Some(src) = self.src {
            write!(f, " src {src}")?;
        }
        if self.onlink {
            f.write_str(" onlink")?;
        }
        f.write_str(" ")
    }
}

/// The main routing table, kept in the order `ip route` prints it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTable {
    pub routes: Vec<Route>,
}

/// The answer of a lookup: which row matched, and the subnet test of every row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteMatch {
    pub index: usize,
    pub route: Route,
    pub checks: Vec<SubnetCheck>,
}

impl RouteTable {
    /// Add a route, keeping print order: by network address, longer prefix first
    /// (`10.244.0.0/24` before `10.244.0.0/16`, as the kernel's FIB dump shows).
    /// A route goes after every row with the same key, as the stable sort this replaces
    /// put it.
    pub fn add(&mut self, r: Route) {
        let key = |r: &Route| {
            (
                u32::from(r.dst.network()),
                std::cmp::Reverse(r.dst.prefix_len()),
            )
        };
        let k = key(&r);
        let at = self.routes.partition_point(|x| key(x) <= k);
        self.routes.insert(at, r);
    }

    /// Longest-prefix match. Every row's subnet test is returned so the learner sees them all.
    pub fn lookup(&self, dst: Ipv4Addr) -> Result<RouteMatch, Vec<SubnetCheck>> {
        let checks: Vec<SubnetCheck> = self
            .routes
            .iter()
            .map(|r| SubnetCheck::new(dst, r.dst))
            .collect();
        let best = self
            .routes
            .iter()
            .enumerate()
            .filter(|(i, _)| checks[*i].matches)
            .max_by_key(|(i, r)| (r.dst.prefix_len(), std::cmp::Reverse(*i)));
        match best {
            Some((index, r)) => Ok(RouteMatch {
                index,
                route: r.clone(),
                checks,
            }),
            None => Err(checks),
        }
    }

    pub fn lines(&self) -> Vec<String> {
        self.routes.iter().map(|r| r.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod_table() -> RouteTable {
        let mut t = RouteTable::default();
        t.add(Route::via(
            "10.244.0.0/16".parse().unwrap(),
            "10.244.0.1".parse().unwrap(),
            "eth0",
        ));
        t.add(Route::connected(
            "10.244.0.2/24".parse().unwrap(),
            "eth0",
            "10.244.0.2".parse().unwrap(),
        ));
        t.add(Route::via(
            "0.0.0.0/0".parse().unwrap(),
            "10.244.0.1".parse().unwrap(),
            "eth0",
        ));
        t
    }

    #[test]
    fn pod_table_prints_in_kernel_order_with_trailing_spaces() {
        assert_eq!(
            pod_table().lines(),
            vec![
                "default via 10.244.0.1 dev eth0 ",
                "10.244.0.0/24 dev eth0 proto kernel scope link src 10.244.0.2 ",
                "10.244.0.0/16 via 10.244.0.1 dev eth0 ",
            ]
        );
    }

    #[test]
    fn longest_prefix_wins_over_default_and_wider_routes() {
        let m = pod_table().lookup("10.244.0.3".parse().unwrap()).unwrap();
        assert_eq!(m.route.dst.prefix_len(), 24);
        let m = pod_table().lookup("10.244.1.3".parse().unwrap()).unwrap();
        assert_eq!(m.route.dst.prefix_len(), 16);
        let m = pod_table().lookup("8.8.8.8".parse().unwrap()).unwrap();
        assert_eq!(m.route.dst.prefix_len(), 0);
        assert_eq!(m.checks.iter().filter(|c| c.matches).count(), 1);
    }

    #[test]
    fn a_table_without_default_has_no_route_to_the_internet() {
        let mut t = RouteTable::default();
        t.add(Route::connected(
            "192.168.1.10/24".parse().unwrap(),
            "eth0",
            "192.168.1.10".parse().unwrap(),
        ));
        assert!(t.lookup("1.1.1.1".parse().unwrap()).is_err());
    }

    #[test]
    fn onlink_route_prints_like_flannel_installs_it() {
        let mut r = Route::via(
            "10.244.1.0/24".parse().unwrap(),
            "10.244.1.0".parse().unwrap(),
            "flannel.1",
        );
        r.onlink = true;
        assert_eq!(
            r.to_string(),
            "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink "
        );
    }

    /// The binary-search insert gives the order the stable sort on every insert gave.
    #[test]
    fn insertion_keeps_the_order_a_stable_sort_gives() {
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            seed >> 8
        };
        let mut t = RouteTable::default();
        let mut sorted: Vec<Route> = Vec::new();
        for i in 0..300 {
            let len = (next() % 4) as u8 * 8;
            let dst = Ipv4Net::new(Ipv4Addr::from((next() % 4) << 24), len).unwrap();
            let r = Route::via(dst, Ipv4Addr::from(i), &format!("dev{i}"));
            t.add(r.clone());
            sorted.push(r);
            sorted.sort_by_key(|r| {
                (
                    u32::from(r.dst.network()),
                    std::cmp::Reverse(r.dst.prefix_len()),
                )
            });
            assert_eq!(t.routes, sorted);
        }
    }
}
