//! glibc's stub resolver: `__res_context_search` (resolv/res_query.c) walking the search
//! list, with getaddrinfo(AF_UNSPEC) sending an A and an AAAA query per candidate and
//! `__res_context_query` judging the pair (glibc resolv/res_query.c, resolv/res_send.c;
//! resolv.conf(5) for `ndots` and `search`).

use super::{CandidateWhy, DnsRecord, QType, Rcode, ResolvConf};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// glibc caps `ndots` at 15 (`RES_MAXNDOTS`).
const MAX_NDOTS: u8 = 15;

/// Why a candidate is on the list, in glibc's three phases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateRole {
    /// Tried before the search list: the name has a trailing dot or at least ndots dots.
    AsIsFirst,
    /// The name joined to one search domain.
    Search,
    /// Tried after the search list, because it was not tried first.
    AsIsLast,
}

/// One name glibc may try.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// The query name, fully qualified with its trailing dot.
    pub fqdn: String,
    /// Which phase of the search it belongs to.
    pub role: CandidateRole,
    /// Why it is tried; printed, e.g. "1 dot < ndots:5: search list first".
    pub why: CandidateWhy,
}

/// How a lookup ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum LookupOutcome {
    /// A candidate answered: its name as getent prints it (no trailing dot) and its addresses.
    Resolved { name: String, addrs: Vec<Ipv4Addr> },
    /// No candidate answered. `rcode` is the reason glibc reports: NXDOMAIN (HOST_NOT_FOUND),
    /// NOERROR meaning NODATA (the name exists without an address), or SERVFAIL (TRY_AGAIN).
    Failed { rcode: Rcode },
}

/// glibc's __res_context_search, as a step-by-step state machine the engine drives.
///
/// Drive it with `while let Some((name, qtype)) = s.next_query() { … s.on_response(rcode, &answers) }`.
/// `next_query` may also be called twice before any response (A and AAAA back to back, as
/// glibc sends them); responses are then taken in the order the queries were handed out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlibcSearch {
    candidates: Vec<Candidate>,
    /// Index of the candidate being tried.
    current: usize,
    /// Queries of the current candidate handed out so far (0, 1 or 2).
    sent: u8,
    /// Responses to those queries, A first.
    responses: Vec<(Rcode, Vec<DnsRecord>)>,
    /// The failure of the as-is-first query (glibc's `saved_herrno`).
    saved: Option<Rcode>,
    got_nodata: bool,
    got_servfail: bool,
    /// A search candidate failed in a way that ends the search list (glibc's `done`).
    search_stopped: bool,
    /// The failure of the latest candidate (glibc's `h_errno`).
    last: Option<Rcode>,
    outcome: Option<LookupOutcome>,
}

impl GlibcSearch {
    /// Plans the candidates for `name` under `conf` (an empty name has none and fails at once).
    pub fn new(conf: &ResolvConf, name: &str) -> GlibcSearch {
        let mut s = GlibcSearch {
            candidates: Vec::new(),
            current: 0,
            sent: 0,
            responses: Vec::new(),
            saved: None,
            got_nodata: false,
            got_servfail: false,
            search_stopped: false,
            last: None,
            outcome: None,
        };
        if name.is_empty() {
            s.outcome = Some(LookupOutcome::Failed {
                rcode: Rcode::NxDomain,
            });
            return s;
        }
        let ndots = conf.ndots().min(MAX_NDOTS);
        let dots = name.matches('.').count();
        let trailing_dot = name.ends_with('.');
        let as_is = if trailing_dot {
            name.to_string()
        } else {
            format!("{name}.")
        };
        let mut push = |fqdn: String, role, why| s.candidates.push(Candidate { fqdn, role, why });
        let tried_as_is = trailing_dot || dots >= usize::from(ndots);
        if trailing_dot {
            push(
                as_is.clone(),
                CandidateRole::AsIsFirst,
                CandidateWhy::TrailingDot,
            );
        } else if tried_as_is {
            let why = CandidateWhy::EnoughDots { dots, ndots };
            push(as_is.clone(), CandidateRole::AsIsFirst, why);
        }
        let mut root_on_list = false;
        if !trailing_dot {
            let k = conf.search.len();
            for (i, domain) in conf.search.iter().enumerate() {
                let d = domain.strip_prefix('.').unwrap_or(domain);
                let (fqdn, why) = if d.is_empty() {
                    root_on_list = true;
                    let why = CandidateWhy::RootDomain {
                        domain: i + 1,
                        of: k,
                    };
                    (as_is.clone(), why)
                } else {
                    let mut fqdn = format!("{name}.{d}");
                    if !fqdn.ends_with('.') {
                        fqdn.push('.');
                    }
                    let (domain, of) = (i + 1, k);
                    let why = if tried_as_is {
                        CandidateWhy::AfterAsIs { domain, of }
                    } else {
                        CandidateWhy::FewDots {
                            dots,
                            ndots,
                            domain,
                            of,
                        }
                    };
                    (fqdn, why)
                };
                push(fqdn, CandidateRole::Search, why);
            }
        }
        if !tried_as_is && !root_on_list {
            let why = if conf.search.is_empty() {
                CandidateWhy::NoSearchList { dots, ndots }
            } else {
                CandidateWhy::SearchExhausted
            };
            push(as_is, CandidateRole::AsIsLast, why);
        }
        s
    }

    /// The candidate names in the order glibc will try them, each with why (e.g. "1 dot < ndots:5: search list first", "trailing dot: as-is only"), for display.
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The candidate being tried now, or None when finished.
    pub fn current(&self) -> Option<&Candidate> {
        if self.outcome.is_some() {
            return None;
        }
        self.candidates.get(self.current)
    }

    /// The next query to send (fqdn with trailing dot, and QType A then AAAA for the same candidate — getaddrinfo AF_UNSPEC sends both per candidate), or None when finished.
    ///
    /// Also None while both queries of the current candidate await their responses.
    pub fn next_query(&mut self) -> Option<(String, QType)> {
        let fqdn = self.current()?.fqdn.clone();
        let qtype = match self.sent {
            0 => QType::A,
            1 => QType::Aaaa,
            _ => return None,
        };
        self.sent += 1;
        Some((fqdn, qtype))
    }

    /// Feed the response to the last query.
    ///
    /// Responses are matched to queries in the order they were handed out (A, then AAAA); a
    /// response with no query waiting for it is ignored.
    pub fn on_response(&mut self, rcode: Rcode, answers: &[DnsRecord]) {
        if self.outcome.is_some() || self.responses.len() >= usize::from(self.sent) {
            return;
        }
        self.responses.push((rcode, answers.to_vec()));
        if self.responses.len() == 2 {
            self.judge_candidate();
        }
    }

    /// The outcome once finished: Resolved{ name, addrs } or Failed{ last rcode } (NXDOMAIN at the end of the search list).
    pub fn outcome(&self) -> Option<LookupOutcome> {
        self.outcome.clone()
    }

    /// `__res_context_query`'s verdict on an A+AAAA pair, then `__res_context_search`'s
    /// reaction to it.
    fn judge_candidate(&mut self) {
        let responses = std::mem::take(&mut self.responses);
        self.sent = 0;
        let (Some(a), Some(aaaa)) = (responses.first(), responses.get(1)) else {
            return;
        };
        let Some(cand) = self.candidates.get(self.current) else {
            return;
        };
        let answered = |r: &(Rcode, Vec<DnsRecord>)| r.0 == Rcode::NoError && !r.1.is_empty();
        if answered(a) || answered(aaaa) {
            let mut addrs: Vec<Ipv4Addr> = Vec::new();
            for rec in a.1.iter().chain(aaaa.1.iter()) {
                if !addrs.contains(&rec.a) {
                    addrs.push(rec.a);
                }
            }
            let name = match cand.fqdn.strip_suffix('.') {
                Some(n) if !n.is_empty() => n.to_string(),
                _ => cand.fqdn.clone(),
            };
            self.outcome = Some(LookupOutcome::Resolved { name, addrs });
            return;
        }
        // glibc switches on the A rcode, or on the AAAA one when the A said NOERROR.
        let code = if a.0 == Rcode::NoError { aaaa.0 } else { a.0 };
        self.last = Some(code);
        match cand.role {
            CandidateRole::AsIsFirst => self.saved = Some(code),
            CandidateRole::Search => match code {
                Rcode::NoError => self.got_nodata = true,
                Rcode::NxDomain => {}
                // TRY_AGAIN goes on only when the first (A) answer itself was SERVFAIL.
                Rcode::ServFail if a.0 == Rcode::ServFail => self.got_servfail = true,
                Rcode::ServFail => self.search_stopped = true,
            },
            CandidateRole::AsIsLast => {}
        }
        self.current += 1;
        while self.search_stopped
            && self
                .candidates
                .get(self.current)
                .is_some_and(|c| c.role == CandidateRole::Search)
        {
            self.current += 1;
        }
        if self.current >= self.candidates.len() {
            let rcode = if let Some(saved) = self.saved {
                saved
            } else if self.got_nodata {
                Rcode::NoError
            } else if self.got_servfail {
                Rcode::ServFail
            } else {
                self.last.unwrap_or(Rcode::NxDomain)
            };
            self.outcome = Some(LookupOutcome::Failed { rcode });
        }
    }
}

#[cfg(test)]
#[path = "glibc_tests.rs"]
mod tests;
