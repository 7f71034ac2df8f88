//! Arbitrary bytes as what throttle reads from outside: a rate-limit
//! service's response (decoded, bounded, never a panic), and shared-data
//! records written by another VM (a counter record, a spike baseline): read
//! or refused, never a panic, and a limiter run over a store holding such
//! garbage still decides.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tollgate_core::config::{self, ThrottleConfig};
use tollgate_core::throttle::counters::{MemoryStore, Record, SharedStore, Table};
use tollgate_core::throttle::limiter::{Facts, Limiter, Series};
use tollgate_core::throttle::rls;
use tollgate_core::throttle::spike::{Baseline, SpikeParams};

fn limiter() -> &'static Limiter {
    static L: OnceLock<Limiter> = OnceLock::new();
    L.get_or_init(|| {
        let cfg: ThrottleConfig = config::parse(
            br#"{"local": {"max_keys": 16}, "rules": [{"name": "r", "key": ["consumer"], "in_flight": 3,
                "limits": [{"requests": 5, "per": "minute"}, {"tokens": 1000, "per": "hour"}]}]}"#,
        )
        .expect("the fixed configuration parses");
        Limiter::new(&cfg, 7)
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = rls::decode_response(data);
    let _ = Record::decode(data);
    let _ = Baseline::decode(data);
    // Garbage in every slot of the table: reads and changes must cope.
    let l = limiter();
    let store = MemoryStore::default();
    for n in 0..16 {
        let _ = store.set(&format!("tollgate.throttle.{n}"), data, 0);
    }
    let facts = Facts {
        consumer: Some("c"),
        ..Facts::default()
    };
    let applied = l.applying(&facts);
    let want = l.reserve_amounts(None, 10, Some(10));
    if let Ok(a) = l.admit(&store, &applied, &want, 1_000) {
        let _ = l.settle(&store, &a.reservation, &want, 2_000);
    }
    let _ = l.observe_spike(
        &store,
        ("c", "m"),
        Series::Tokens,
        5.0,
        3_000,
        &SpikeParams::tokens(),
    );
    let _ = Table::new(16, 7).read(&store, "x");
});
