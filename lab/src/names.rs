//! Real names for the model's namespaces. Every namespace the lab creates is prefixed with
//! `pw-<tag>-`, where the tag is short and unique per lesson, so a lab can never clash with
//! anything else on the machine (or with another lesson's lab). Interface names are the
//! model's own (`eth0`, `cni0`, `veth2900dfab`, `flannel.1`): they live inside those private
//! namespaces, and nothing is ever created in the host's namespace.

use packetwalk_core::cluster::Cluster;

/// The short tag of a lesson: the initials of a dashed id (`cross-node-vxlan` → `cnv`), or
/// the first three letters of a one-word id (`clusterip` → `clu`); ASCII letters and digits
/// only (a lesson file's name may hold anything), `lab` when none is left.
pub fn tag_for(lesson_id: &str) -> String {
    let id: String = lesson_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let parts: Vec<&str> = id.split('-').filter(|p| !p.is_empty()).collect();
    let tag: String = if parts.len() > 1 {
        parts.iter().filter_map(|p| p.chars().next()).collect()
    } else {
        id.chars().filter(|c| *c != '-').take(3).collect()
    };
    if tag.is_empty() {
        return "lab".into();
    }
    tag.to_ascii_lowercase()
}

#[derive(Clone, Debug)]
pub struct Names {
    pub lesson: String,
    pub tag: String,
    /// The model's namespaces, in build order.
    model: Vec<String>,
    /// The underlay segment's name (`lan` or `vnet`).
    segment: String,
}

impl Names {
    pub fn new(lesson_id: &str, cluster: &Cluster) -> Result<Names, String> {
        let segment = cluster
            .segments
            .first()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "lan".into());
        let names = Names {
            lesson: lesson_id.into(),
            tag: tag_for(lesson_id),
            model: cluster.netns_names(),
            segment,
        };
        if names.model.contains(&names.segment) {
            return Err(format!(
                "a namespace is named `{}`, the name the lab gives the underlay",
                names.segment
            ));
        }
        if let Some(bad) = names
            .model
            .iter()
            .find(|n| n.contains('/') || n.contains(char::is_whitespace))
        {
            return Err(format!("namespace name `{bad}` cannot be a file name"));
        }
        Ok(names)
    }

    /// `pw-<tag>-`.
    pub fn prefix(&self) -> String {
        format!("pw-{}-", self.tag)
    }
    /// The real namespace of a model namespace.
    pub fn ns(&self, model: &str) -> String {
        format!("{}{model}", self.prefix())
    }
    /// The namespace that emulates the underlay: an Ethernet switch or the Azure fabric.
    pub fn underlay_ns(&self) -> String {
        self.ns(&self.segment)
    }
    pub fn segment(&self) -> &str {
        &self.segment
    }
    /// Every namespace the lab creates: the model's, then the underlay's.
    pub fn all_ns(&self) -> Vec<String> {
        let mut v: Vec<String> = self.model.iter().map(|m| self.ns(m)).collect();
        v.push(self.underlay_ns());
        v
    }
    pub fn model_ns(&self) -> &[String] {
        &self.model
    }
    /// The model namespace a real one stands for (none for the underlay).
    pub fn model_of(&self, real: &str) -> Option<&str> {
        let rest = real.strip_prefix(&self.prefix())?;
        self.model
            .iter()
            .find(|m| m.as_str() == rest)
            .map(String::as_str)
    }
    /// Where the lab keeps its server script, pidfiles and logs.
    pub fn dir(&self) -> String {
        format!("/tmp/packetwalk-lab/{}", self.tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_lesson_gets_its_own_short_tag() {
        let ids = packetwalk_lessons::ids();
        let tags: BTreeSet<String> = ids.iter().map(|i| tag_for(i)).collect();
        assert_eq!(tags.len(), ids.len(), "tags collide: {tags:?}");
        assert_eq!(tag_for("cross-node-vxlan"), "cnv");
        assert_eq!(tag_for("clusterip"), "clu");
        assert!(tags.iter().all(|t| t.len() <= 4));
    }

    #[test]
    fn real_names_map_back_to_the_model() {
        let l = packetwalk_lessons::load("clusterip").unwrap().unwrap();
        let n = Names::new(&l.id, &l.cluster().unwrap()).unwrap();
        assert_eq!(n.ns("frontend"), "pw-clu-frontend");
        assert_eq!(n.underlay_ns(), "pw-clu-lan");
        assert_eq!(n.model_of("pw-clu-frontend"), Some("frontend"));
        assert_eq!(n.model_of("pw-clu-lan"), None);
        assert_eq!(n.all_ns().last().map(String::as_str), Some("pw-clu-lan"));
    }
}
