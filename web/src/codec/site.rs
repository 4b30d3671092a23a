//! The site's layout: first every lesson's card, topology, walks and pool sizes; then the
//! hops of all lessons column by column; then all packets; then all table texts.

use super::{Codec, Columns, Reader, Writer};
use crate::model::{Hop, LessonBody, LessonEntry, Site};

/// The bytes of a site.
pub fn encode(site: &Site) -> Vec<u8> {
    let mut w = Writer::default();
    w.n(site.lessons.len() as u64);
    for l in &site.lessons {
        (&l.id, &l.title, &l.summary, &l.follows, &l.intro).put_all(&mut w);
        match &l.body {
            Err(e) => {
                w.n(1);
                e.put(&mut w);
            }
            Ok(b) => {
                w.n(0);
                (&b.topology, &b.walks).put_all(&mut w);
                for n in [b.hops.len(), b.packets.len(), b.texts.len()] {
                    w.n(n as u64);
                }
            }
        }
    }
    let bodies: Vec<&LessonBody> = site
        .lessons
        .iter()
        .filter_map(|l| l.body.as_ref().ok())
        .collect();
    let hops: Vec<&Hop> = bodies.iter().flat_map(|b| b.hops.iter()).collect();
    Hop::put_columns(&hops, &mut w);
    bodies
        .iter()
        .flat_map(|b| &b.packets)
        .for_each(|p| p.put(&mut w));
    bodies
        .iter()
        .flat_map(|b| &b.texts)
        .for_each(|t| t.put(&mut w));
    w.0
}

/// Read the embedded site; `None` when the bytes are not a whole site.
pub fn decode(bytes: &[u8]) -> Option<Site> {
    let mut r = Reader::new(bytes);
    let n = r.len();
    let mut lessons = Vec::with_capacity(n);
    let mut sizes = Vec::new();
    for _ in 0..n {
        let (id, title, summary) = (r.s(), r.s(), r.s());
        let (follows, intro) = (Codec::get(&mut r), r.s());
        let body = match r.tag(2) {
            0 => {
                let (topology, walks) = (Codec::get(&mut r), Codec::get(&mut r));
                sizes.push([r.len(), r.len(), r.len()]);
                Ok(LessonBody {
                    topology,
                    walks,
                    hops: Vec::new(),
                    packets: Vec::new(),
                    texts: Vec::new(),
                })
            }
            _ => Err(r.s()),
        };
        lessons.push(LessonEntry {
            id,
            title,
            summary,
            follows,
            intro,
            body,
        });
    }
    let total = sizes.iter().map(|s| s[0]).sum::<usize>();
    let mut hops = Hop::get_columns(&mut r, total).into_iter();
    let mut bodies: Vec<&mut LessonBody> = lessons
        .iter_mut()
        .filter_map(|l| l.body.as_mut().ok())
        .collect();
    for (b, s) in bodies.iter_mut().zip(&sizes) {
        b.hops = hops.by_ref().take(s[0]).collect();
    }
    for (b, s) in bodies.iter_mut().zip(&sizes) {
        b.packets = (0..s[1].min(r.left()))
            .map(|_| Codec::get(&mut r))
            .collect();
    }
    for (b, s) in bodies.iter_mut().zip(&sizes) {
        b.texts = (0..s[2].min(r.left())).map(|_| r.s()).collect();
    }
    (!r.bad && r.is_empty()).then_some(Site { lessons })
}

/// Writing a few values in a row.
trait PutAll {
    fn put_all(&self, w: &mut Writer);
}
impl<A: Codec, B: Codec> PutAll for (&A, &B) {
    fn put_all(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
    }
}
impl<A: Codec, B: Codec, C: Codec, D: Codec, E: Codec> PutAll for (&A, &B, &C, &D, &E) {
    fn put_all(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
        self.2.put(w);
        self.3.put(w);
        self.4.put(w);
    }
}
