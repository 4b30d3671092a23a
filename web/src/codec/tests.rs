use super::*;

#[test]
fn every_lesson_reads_back_as_it_was_written() {
    let site = crate::digest::site();
    let bytes = encode(&site);
    assert_eq!(decode(&bytes), Some(site));
}

#[test]
fn a_cut_or_padded_input_is_refused_without_panicking() {
    let bytes = encode(&crate::digest::site());
    for cut in [0, 1, 7, bytes.len() / 3, bytes.len() - 1] {
        assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
    }
    let mut padded = bytes.clone();
    padded.push(0);
    assert_eq!(decode(&padded), None);
    assert_eq!(decode(&[0xff; 64]), None);
}

#[test]
fn varints_round_trip() {
    for v in [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
        let mut w = Writer::default();
        w.n(v);
        assert_eq!(Reader::new(&w.0).n(), v);
    }
}

#[test]
fn an_unknown_tag_is_refused_not_read_as_the_first_variant() {
    use crate::model::{EventKind, Mark, Table};
    fn refused<T: Codec>(bytes: &[u8]) -> bool {
        let mut r = Reader::new(bytes);
        T::get(&mut r);
        r.bad
    }
    assert!(refused::<EventKind>(&[EventKind::ALL.len() as u8]));
    assert!(refused::<Table>(&[Table::ALL.len() as u8]));
    assert!(refused::<Mark>(&[4]));
    assert!(refused::<bool>(&[2]));
    assert!(refused::<Option<u8>>(&[2, 0]));
    // Every variant reads back as itself, the last one too.
    for k in EventKind::ALL {
        let bytes = bytes_of(&k);
        let mut r = Reader::new(&bytes);
        assert_eq!(EventKind::get(&mut r), k);
        assert!(!r.bad);
    }
}
