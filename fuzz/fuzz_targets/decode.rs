//! The decoding layers (base64, URL-encoding, string escapes, YAML block
//! scalars, joined literals) and the checksum readers on arbitrary bytes:
//! no panic, every decoded span inside the input, a layer's positions map
//! back inside its parent, and the decoding budget is never exceeded.
#![no_main]
use blastwall::engine::{checksum, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, data)) = data.split_first() else {
        return;
    };
    let options = decode::Options {
        base64_everywhere: selector & 1 != 0,
        yaml: selector & 2 != 0,
        base64_in_areas: selector & 8 != 0,
    };
    // Keyword areas: the whole input, or its first half.
    let areas = if selector & 4 != 0 {
        vec![0..data.len()]
    } else {
        vec![0..data.len() / 2]
    };
    let mut budget = decode::Budget::default();
    let mut decoded_total = 0;
    for span in decode::spans(data, 0..data.len(), &areas, options, &mut budget) {
        assert!(span.origin.start <= span.origin.end && span.origin.end <= data.len());
        decoded_total += span.decoded.len();
        assert!(decoded_total <= decode::BUDGET, "decoded past the budget");
        let origin = span.origin.clone();
        if let Some(layer) = decode::layer(data, span, &mut budget) {
            // Context maps byte for byte, decoded bytes onto the encoded span.
            for at in [0, layer.region.start, layer.region.end, layer.text.len()] {
                let s = layer.start_in_parent(at);
                let e = layer.end_in_parent(at);
                assert!(s <= data.len() && e <= data.len());
            }
            let (s, e) = (
                layer.start_in_parent(layer.region.start),
                layer.end_in_parent(layer.region.end),
            );
            assert_eq!((s, e), (origin.start, origin.end));
        }
    }
    let _ = checksum::check(data);
    let _ = checksum::macaroon(data);
});
