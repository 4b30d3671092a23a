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
