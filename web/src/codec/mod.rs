//! The embedded data's byte format: varints, length-prefixed strings and lists, written by
//! the build script and read by the app. A dozen small functions instead of serde's
//! generated visitors: the reader costs a few kilobytes of WASM, serde + postcard cost 31.
//!
//! Every embedded type is declared once, inside [`embedded!`] (in `model.rs`), and its
//! encoding follows from the declaration: a struct field by field, an enum as the index of
//! its variant then the variant's fields, a fieldless enum of the vocabulary as its index
//! in its `ALL` list ([`listed!`]). A hop's fields are also stored column by column
//! (`site.rs`). Reading never panics: a truncated input, an unknown tag or a bad string is
//! `None`, refused, and the whole site with it.
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | [`Writer`], [`Reader`], [`Codec`] and its impls, the [`embedded!`] and [`listed!`] macros |
//! | `site.rs` | the [`Site`](crate::model::Site)'s layout: cards, then hops column by column, packets, texts |

mod site;

pub use site::{decode, encode};

/// Bytes being written. A string is written once: a later equal string is a reference to
/// the first (the map in `.1` gives its index), which the reader resolves from the bytes it
/// already read. Labels, field names and sentences recur further apart than gzip's 32 KB
/// window; written once, the site's data is about 3 % smaller after gzip (24.4 -> 23.6 KB).
#[derive(Default)]
pub struct Writer(pub Vec<u8>, std::collections::HashMap<String, u64>);

/// Bytes being read. A truncated or corrupt input, or a tag that names nothing, sets `bad`
/// and reads on as zeros and empty strings: it never panics, and [`site::decode`] refuses
/// the whole site. (A `bad` flag rather than `Option` at every field: `?` after each field
/// costs several kilobytes of WASM in drop paths.)
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    pub bad: bool,
    /// Where each string written in full lies in `bytes`, for the references to it.
    strings: Vec<(usize, usize)>,
}

impl Writer {
    pub fn n(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(b);
                return;
            }
            self.0.push(b | 0x80);
        }
    }
    /// A string: `2 × length` then its bytes the first time, `2 × index + 1` after (the
    /// index of its first writing among the strings written in full).
    pub fn s(&mut self, s: &str) {
        if let Some(i) = self.1.get(s) {
            self.n(2 * i + 1);
            return;
        }
        let i = self.1.len() as u64;
        self.1.insert(s.to_string(), i);
        self.n(2 * s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            bytes,
            at: 0,
            bad: false,
            strings: Vec::new(),
        }
    }
    pub fn n(&mut self) -> u64 {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let Some(&b) = self.bytes.get(self.at).filter(|_| !self.bad) else {
                self.bad = true;
                return 0;
            };
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
        }
        self.bad = true;
        0
    }
    pub fn s(&mut self) -> String {
        let n = self.n();
        let (start, len) = if n % 2 == 1 {
            match self.strings.get((n / 2) as usize) {
                Some(&range) => range,
                None => {
                    self.bad = true;
                    return String::new();
                }
            }
        } else {
            let len = (n / 2) as usize;
            if len > self.left() {
                self.bad = true;
                return String::new();
            }
            self.strings.push((self.at, len));
            self.at += len;
            (self.at - len, len)
        };
        let Some(b) = self.bytes.get(start..start + len) else {
            self.bad = true;
            return String::new();
        };
        String::from_utf8(b.to_vec()).unwrap_or_else(|_| {
            self.bad = true;
            String::new()
        })
    }
    /// A count, refused when larger than the bytes left, so corrupt input cannot allocate much.
    pub fn len(&mut self) -> usize {
        let n = self.n();
        if n > self.left() as u64 {
            self.bad = true;
            return 0;
        }
        n as usize
    }
    /// A tag: `n` when it is below `count`, else `bad` and 0.
    pub fn tag(&mut self, count: usize) -> usize {
        let t = self.n();
        if t >= count as u64 {
            self.bad = true;
            return 0;
        }
        t as usize
    }
    pub fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }
    pub fn is_empty(&self) -> bool {
        self.left() == 0
    }
}

/// A value in the byte format.
pub trait Codec: Sized {
    fn put(&self, w: &mut Writer);
    fn get(r: &mut Reader) -> Self;
}

impl Codec for String {
    fn put(&self, w: &mut Writer) {
        w.s(self)
    }
    fn get(r: &mut Reader) -> Self {
        r.s()
    }
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn put(&self, w: &mut Writer) { w.n(u64::from(*self)) }
            fn get(r: &mut Reader) -> Self {
                let v = r.n();
                <$t>::try_from(v).unwrap_or_else(|_| { r.bad = true; 0 })
            }
        }
    )*};
}
number!(u8, u16, u32);

impl Codec for bool {
    fn put(&self, w: &mut Writer) {
        w.n(u64::from(*self))
    }
    fn get(r: &mut Reader) -> Self {
        r.tag(2) == 1
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.n(self.len() as u64);
        self.iter().for_each(|v| v.put(w));
    }
    fn get(r: &mut Reader) -> Self {
        let n = r.len();
        (0..n).map(|_| T::get(r)).collect()
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.n(0),
            Some(v) => {
                w.n(1);
                v.put(w)
            }
        }
    }
    fn get(r: &mut Reader) -> Self {
        (r.tag(2) == 1).then(|| T::get(r))
    }
}

/// Declares a struct or an enum (struct-like variants only) and its [`Codec`]: fields in
/// declaration order; an enum's variant as its index, then its fields.
macro_rules! embedded {
    ($(#[$m:meta])* pub struct $t:ident { $($(#[$fm:meta])* pub $f:ident : $ft:ty),* $(,)? }) => {
        $(#[$m])* pub struct $t { $($(#[$fm])* pub $f: $ft),* }
        impl $crate::codec::Codec for $t {
            fn put(&self, w: &mut $crate::codec::Writer) {
                $($crate::codec::Codec::put(&self.$f, w);)*
            }
            fn get(r: &mut $crate::codec::Reader) -> Self {
                $t { $($f: $crate::codec::Codec::get(r)),* }
            }
        }
    };
    ($(#[$m:meta])* pub enum $t:ident {
        $(#[$fvm:meta])* $fv:ident { $($(#[$ffm:meta])* $ff:ident : $fft:ty),* $(,)? }
        $(, $(#[$vm:meta])* $v:ident { $($(#[$fm:meta])* $f:ident : $ft:ty),* $(,)? })* $(,)?
    }) => {
        $(#[$m])* pub enum $t {
            $(#[$fvm])* $fv { $($(#[$ffm])* $ff: $fft),* },
            $($(#[$vm])* $v { $($(#[$fm])* $f: $ft),* }),*
        }
        impl $crate::codec::Codec for $t {
            #[allow(unused_assignments)]
            fn put(&self, w: &mut $crate::codec::Writer) {
                if let $t::$fv { $($ff),* } = self {
                    w.n(0);
                    $($crate::codec::Codec::put($ff, w);)*
                    return;
                }
                let mut tag = 1u64;
                $(
                    if let $t::$v { $($f),* } = self {
                        w.n(tag);
                        $($crate::codec::Codec::put($f, w);)*
                        return;
                    }
                    tag += 1;
                )*
            }
            #[allow(unused_assignments)]
            fn get(r: &mut $crate::codec::Reader) -> Self {
                let count = [stringify!($fv) $(, stringify!($v))*].len();
                let want = r.tag(count);
                let mut tag = 1;
                $(
                    if want == tag {
                        return $t::$v { $($f: $crate::codec::Codec::get(r)),* };
                    }
                    tag += 1;
                )*
                // Tag 0, or a bad one (`r.bad` is set and the site will be refused).
                $t::$fv { $($ff: $crate::codec::Codec::get(r)),* }
            }
        }
    };
}
pub(crate) use embedded;

/// Like the struct form of [`embedded!`], and also [`Columns`]: many values stored field by
/// field, each field's values side by side (similar values together compress far better).
macro_rules! embedded_columns {
    ($(#[$m:meta])* pub struct $t:ident { $($(#[$fm:meta])* pub $f:ident : $ft:ty),* $(,)? }) => {
        $crate::codec::embedded! { $(#[$m])* pub struct $t { $($(#[$fm])* pub $f: $ft),* } }
        impl $crate::codec::Columns for $t {
            fn put_columns(items: &[&Self], w: &mut $crate::codec::Writer) {
                $(for v in items { $crate::codec::Codec::put(&v.$f, w); })*
            }
            fn get_columns(r: &mut $crate::codec::Reader, n: usize) -> Vec<Self> {
                let n = if n > r.left() { r.bad = true; 0 } else { n };
                $(
                    let mut $f = (0..n)
                        .map(|_| <$ft as $crate::codec::Codec>::get(r))
                        .collect::<Vec<$ft>>()
                        .into_iter();
                )*
                (0..n)
                    .filter_map(|_| Some($t { $($f: $f.next()?),* }))
                    .collect()
            }
        }
    };
}
pub(crate) use embedded_columns;

/// Values stored column by column.
pub trait Columns: Sized {
    fn put_columns(items: &[&Self], w: &mut Writer);
    fn get_columns(r: &mut Reader, n: usize) -> Vec<Self>;
}

/// The [`Codec`] of fieldless enums that list their variants
/// ([`packetwalk_vocab::Listed`]): a variant is its index; an index past the list is
/// refused.
macro_rules! listed {
    ($($t:ty),*) => {$(
        impl $crate::codec::Codec for $t {
            fn put(&self, w: &mut $crate::codec::Writer) {
                w.n(packetwalk_vocab::Listed::index(*self) as u64)
            }
            fn get(r: &mut $crate::codec::Reader) -> Self {
                let all = <$t as packetwalk_vocab::Listed>::all();
                all[r.tag(all.len())]
            }
        }
    )*};
}
pub(crate) use listed;

listed!(
    packetwalk_vocab::EventKind,
    packetwalk_vocab::Table,
    packetwalk_vocab::PlaceKind,
    packetwalk_vocab::Changed
);

/// The bytes of any value (the build's pools tell values apart by them).
pub fn bytes_of<T: Codec>(v: &T) -> Vec<u8> {
    let mut w = Writer::default();
    v.put(&mut w);
    w.0
}

#[cfg(test)]
mod tests;
