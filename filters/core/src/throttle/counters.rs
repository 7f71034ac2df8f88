//! Counters in proxy-wasm shared data: one table of slots that every worker
//! VM of a sidecar reads and writes with compare-and-swap.
//!
//! # Why a table of slots
//! Shared data has no delete (ABI 0.2.1): a key, once set, lives as long as
//! the sidecar. Counting per consumer and model in one key each would grow
//! without bound under a client that invents model names. So the table has a
//! fixed number of slots (`local.max_keys`), the shared-data keys
//! `tollgate.throttle.<n>`, and a counter key (rule, key values) lives in one
//! of [`PROBE`] slots chosen by a hash of it. A record stores its full key,
//! so two keys in one slot never share counts; a key that finds its slots
//! taken evicts the record used least recently (idle ones first), counted by
//! the caller. Memory is bounded by `max_keys × (record size)`.
//!
//! # No lost updates
//! Every change is read → modify → write with the CAS the read returned; a
//! mismatch (another worker wrote in between) starts the change over, up to
//! [`MAX_ATTEMPTS`] times. The one write CAS cannot guard is the *creation*
//! of a slot (a set on a missing key succeeds whatever the CAS), and two
//! workers placing one new key could pick two different slots; so new keys
//! are placed under a lock — itself a shared-data key changed only with CAS
//! — after a second look at their slots: no slot is created twice, no key
//! lives in two slots. The lock key is created unconditionally
//! once per sidecar; it holds no counts, and a lock older than
//! [`LOCK_STALE_MS`] is taken over (a VM that died holding it).

use sha2::{Digest, Sha256};

/// Slots a key may live in: its hash slot and the next ones.
pub const PROBE: usize = 4;
/// CAS attempts before a change gives up.
pub const MAX_ATTEMPTS: u32 = 64;
/// A slot-creation lock older than this is taken over.
pub const LOCK_STALE_MS: u64 = 1000;
/// Keys longer than this are stored as `#` and their SHA-256 (hex).
pub const MAX_KEY_LEN: usize = 512;
/// The shared-data key of the creation lock.
pub const LOCK_KEY: &str = "tollgate.throttle.lock";

const VERSION: u8 = 1;

/// What failed in shared data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The host refused a call.
    #[error("shared data: {0}")]
    Host(String),
    /// Other workers kept writing the same slot: [`MAX_ATTEMPTS`] CAS
    /// mismatches in a row.
    #[error("shared data: too much contention")]
    Contention,
    /// A new key found only live records in its slots and may not evict
    /// them.
    #[error("shared data: no room for a new key")]
    Full,
}

/// Proxy-wasm shared data, as the filter's host calls give it.
pub trait SharedStore {
    /// The value and its CAS, or `None` when the key was never set.
    fn get(&self, key: &str) -> Result<Option<(Vec<u8>, u32)>, StoreError>;
    /// Sets `key` if its CAS is still `cas` (`0`: whatever it is). `Ok(false)`
    /// on a CAS mismatch.
    fn set(&self, key: &str, value: &[u8], cas: u32) -> Result<bool, StoreError>;
}

/// One record: a key, when it was last used, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The counter key (`rule\x1fvalue…`), or `#<sha256>` when long.
    pub key: String,
    /// Milliseconds since the epoch of the last change.
    pub last_used_ms: u64,
    /// What the owner keeps: counters, a spike baseline.
    pub payload: Vec<u8>,
}

impl Record {
    /// Bytes for shared data.
    pub fn encode(&self) -> Vec<u8> {
        let key = self.key.as_bytes();
        let len = u16::try_from(key.len()).unwrap_or(u16::MAX);
        let mut out = Vec::with_capacity(
            self.payload
                .len()
                .saturating_add(key.len())
                .saturating_add(11),
        );
        out.push(VERSION);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(key.get(..usize::from(len)).unwrap_or(key));
        out.extend_from_slice(&self.last_used_ms.to_le_bytes());
        out.extend_from_slice(&self.payload);
        out
    }

    /// Reads a record; `None` for an empty slot or bytes of another version.
    pub fn decode(bytes: &[u8]) -> Option<Record> {
        let (&version, rest) = bytes.split_first()?;
        if version != VERSION {
            return None;
        }
        let (len, rest) = rest.split_at_checked(2)?;
        let len = u16::from_le_bytes(len.try_into().ok()?);
        let (key, rest) = rest.split_at_checked(usize::from(len))?;
        let (used, payload) = rest.split_at_checked(8)?;
        Some(Record {
            key: String::from_utf8(key.to_vec()).ok()?,
            last_used_ms: u64::from_le_bytes(used.try_into().ok()?),
            payload: payload.to_vec(),
        })
    }
}

/// The stored form of a counter key: itself, or `#` and its SHA-256 when
/// longer than [`MAX_KEY_LEN`].
pub fn stored_key(key: &str) -> String {
    if key.len() <= MAX_KEY_LEN {
        return key.to_owned();
    }
    format!("#{}", hex::encode(Sha256::digest(key.as_bytes())))
}

/// What a change wants done with a record.
#[derive(Debug)]
pub enum Change<T> {
    /// Write this payload and return `T`.
    Write(Vec<u8>, T),
    /// Write nothing and return `T`.
    Keep(T),
}

/// What happened in the table, for metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableStats {
    /// CAS mismatches retried.
    pub cas_retries: u32,
    /// Live records of other keys evicted to make room.
    pub evictions: u32,
}

/// The slot table.
#[derive(Debug, Clone)]
pub struct Table {
    slots: u32,
    seed: u64,
    /// The shared-data key of slot `n` is this prefix and `n`.
    prefix: String,
}

impl Table {
    /// A table of `slots` slots (at least [`PROBE`]) whose placement hash is
    /// seeded with `seed` (the same on every worker: derive it from the
    /// configuration).
    pub fn new(slots: u32, seed: u64) -> Self {
        Self::named("tollgate.throttle.", slots, seed)
    }

    /// A table of its own, whose slots are the shared-data keys `prefix`
    /// and a number: a region no other table's keys can reach (and so can
    /// neither evict nor crowd out).
    pub fn named(prefix: &str, slots: u32, seed: u64) -> Self {
        Self {
            slots: slots.max(PROBE as u32),
            seed,
            prefix: prefix.to_owned(),
        }
    }

    /// The shared-data keys `key` may live in, in probe order.
    pub fn candidates(&self, key: &str) -> [String; PROBE] {
        let slots = u64::from(self.slots.max(1));
        let first = hash(self.seed, key.as_bytes())
            .checked_rem(slots)
            .unwrap_or(0);
        std::array::from_fn(|i| {
            let n = first.wrapping_add(i as u64).checked_rem(slots).unwrap_or(0);
            format!("{}{n}", self.prefix)
        })
    }

    /// Reads `key`'s payload without changing anything (`None`: no record).
    pub fn read(&self, store: &dyn SharedStore, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let key = stored_key(key);
        for slot in self.candidates(&key) {
            if let Some((bytes, _)) = store.get(&slot)? {
                if let Some(rec) = Record::decode(&bytes) {
                    if rec.key == key {
                        return Ok(Some(rec.payload));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Applies `change` to `key`'s payload (`None` when it has no record
    /// yet) atomically: retried from a fresh read on every CAS mismatch.
    /// `idle(record, now)` says whether another key's record may be evicted
    /// without losing anything (its windows are over). With `evict_live`
    /// false, a new key that finds only live records in its slots is not
    /// placed: [`StoreError::Full`].
    pub fn update<T>(
        &self,
        store: &dyn SharedStore,
        key: &str,
        now_ms: u64,
        evict_live: bool,
        idle: &dyn Fn(&Record, u64) -> bool,
        change: &mut dyn FnMut(Option<&[u8]>) -> Change<T>,
    ) -> Result<(T, TableStats), StoreError> {
        let key = stored_key(key);
        let candidates = self.candidates(&key);
        let mut stats = TableStats::default();
        for _ in 0..MAX_ATTEMPTS {
            let attempt =
                self.try_update(store, &key, &candidates, now_ms, evict_live, idle, change)?;
            match attempt {
                Attempt::Done(value, evicted) => {
                    stats.evictions = stats.evictions.saturating_add(u32::from(evicted));
                    return Ok((value, stats));
                }
                Attempt::Retry => stats.cas_retries = stats.cas_retries.saturating_add(1),
            }
        }
        Err(StoreError::Contention)
    }

    #[expect(clippy::too_many_arguments, reason = "the private step of update")]
    fn try_update<T>(
        &self,
        store: &dyn SharedStore,
        key: &str,
        candidates: &[String; PROBE],
        now_ms: u64,
        evict_live: bool,
        idle: &dyn Fn(&Record, u64) -> bool,
        change: &mut dyn FnMut(Option<&[u8]>) -> Change<T>,
    ) -> Result<Attempt<T>, StoreError> {
        // The key's own record: changed with the CAS of its read.
        for slot in candidates {
            if let Some((bytes, cas)) = store.get(slot)? {
                if let Some(rec) = Record::decode(&bytes).filter(|r| r.key == key) {
                    return Ok(match change(Some(&rec.payload)) {
                        Change::Keep(v) => Attempt::Done(v, false),
                        Change::Write(payload, v) => {
                            let rec = Record {
                                key: key.to_owned(),
                                last_used_ms: now_ms,
                                payload,
                            };
                            if store.set(slot, &rec.encode(), cas)? {
                                Attempt::Done(v, false)
                            } else {
                                Attempt::Retry
                            }
                        }
                    });
                }
            }
        }
        let (payload, value) = match change(None) {
            Change::Keep(v) => return Ok(Attempt::Done(v, false)),
            Change::Write(p, v) => (p, v),
        };
        let rec = Record {
            key: key.to_owned(),
            last_used_ms: now_ms,
            payload,
        }
        .encode();
        // A new key is placed under the lock, after a second look at its
        // slots: two workers can then never place one key in two slots (or
        // both create one slot), whatever they each saw before.
        if !self.lock(store, now_ms)? {
            return Ok(Attempt::Retry);
        }
        let placed = self.place(store, key, candidates, &rec, now_ms, evict_live, idle);
        let released = self.unlock(store);
        let placed = placed?;
        released?;
        Ok(match placed {
            Some(evicted) => Attempt::Done(value, evicted),
            None => Attempt::Retry,
        })
    }

    /// Under the lock: writes the new record `rec` of `key` into a never-set
    /// slot, a free one, or the best one to evict. `Some(evicted a live
    /// record)` when written, `None` to retry (the key appeared meanwhile,
    /// or a CAS lost to an update of the slot).
    #[expect(clippy::too_many_arguments, reason = "the private step of update")]
    fn place(
        &self,
        store: &dyn SharedStore,
        key: &str,
        candidates: &[String; PROBE],
        rec: &[u8],
        now_ms: u64,
        evict_live: bool,
        idle: &dyn Fn(&Record, u64) -> bool,
    ) -> Result<Option<bool>, StoreError> {
        let mut unset: Option<&String> = None;
        let mut free: Option<(&String, u32)> = None;
        let mut victim: Option<(&String, u32, bool, u64)> = None;
        for slot in candidates {
            match store.get(slot)? {
                None => {
                    unset = unset.or(Some(slot));
                }
                Some((bytes, cas)) => match Record::decode(&bytes) {
                    Some(r) if r.key == key => return Ok(None),
                    Some(r) => {
                        let is_idle = idle(&r, now_ms);
                        let better = victim.is_none_or(|(_, _, v_idle, v_used)| {
                            (is_idle && !v_idle) || (is_idle == v_idle && r.last_used_ms < v_used)
                        });
                        if better {
                            victim = Some((slot, cas, is_idle, r.last_used_ms));
                        }
                    }
                    None => {
                        free = free.or(Some((slot, cas)));
                    }
                },
            }
        }
        let (slot, cas, evicted) = match (unset, free, victim) {
            (Some(slot), _, _) => (slot, 0, false),
            (None, Some((slot, cas)), _) => (slot, cas, false),
            (None, None, Some((slot, cas, true, _))) => (slot, cas, false),
            (None, None, Some((slot, cas, false, _))) if evict_live => (slot, cas, true),
            (None, None, _) => return Err(StoreError::Full),
        };
        Ok(store.set(slot, rec, cas)?.then_some(evicted))
    }

    /// Takes the slot-placement lock; `false` when another worker holds it
    /// (or it was just created): retry.
    fn lock(&self, store: &dyn SharedStore, now_ms: u64) -> Result<bool, StoreError> {
        let Some((held, cas)) = store.get(LOCK_KEY)? else {
            // Created once per sidecar, holding no counts: a race here is
            // harmless (both write "free").
            store.set(LOCK_KEY, &0u64.to_le_bytes(), 0)?;
            return Ok(false);
        };
        let since = held
            .get(..8)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
            .unwrap_or(0);
        if since != 0 && now_ms.saturating_sub(since) < LOCK_STALE_MS {
            return Ok(false);
        }
        store.set(LOCK_KEY, &now_ms.max(1).to_le_bytes(), cas)
    }

    /// Releases the lock (only its holder writes it meanwhile).
    fn unlock(&self, store: &dyn SharedStore) -> Result<(), StoreError> {
        let cas = store.get(LOCK_KEY)?.map_or(0, |(_, cas)| cas);
        store.set(LOCK_KEY, &0u64.to_le_bytes(), cas).map(drop)
    }
}

enum Attempt<T> {
    Done(T, bool),
    Retry,
}

/// FNV-1a over `bytes` from `seed`, then a splitmix64 finish (FNV's low bits
/// alone spread poorly).
pub fn hash(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// An in-memory [`SharedStore`] with proxy-wasm's CAS semantics, for tests
/// and benchmarks (a test double of the host's shared data).
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: std::cell::RefCell<std::collections::HashMap<String, (Vec<u8>, u32)>>,
    next_cas: std::cell::Cell<u32>,
}

impl MemoryStore {
    /// Number of keys set.
    pub fn len(&self) -> usize {
        self.map.borrow().len()
    }

    /// Whether no key was set.
    pub fn is_empty(&self) -> bool {
        self.map.borrow().is_empty()
    }
}

impl SharedStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<(Vec<u8>, u32)>, StoreError> {
        Ok(self.map.borrow().get(key).cloned())
    }

    fn set(&self, key: &str, value: &[u8], cas: u32) -> Result<bool, StoreError> {
        let mut map = self.map.borrow_mut();
        if let Some((_, current)) = map.get(key) {
            if cas != 0 && cas != *current {
                return Ok(false);
            }
        }
        let next = self.next_cas.get().wrapping_add(1).max(1);
        self.next_cas.set(next);
        map.insert(key.to_owned(), (value.to_vec(), next));
        Ok(true)
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn never_idle(_: &Record, _: u64) -> bool {
        false
    }

    fn add(table: &Table, store: &dyn SharedStore, key: &str, now: u64, n: u64) -> TableStats {
        let (_, stats) = table
            .update(store, key, now, true, &never_idle, &mut |old| {
                let v = old.map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap()));
                Change::Write((v + n).to_le_bytes().to_vec(), ())
            })
            .unwrap();
        stats
    }

    fn value(table: &Table, store: &dyn SharedStore, key: &str) -> Option<u64> {
        table
            .read(store, key)
            .unwrap()
            .map(|b| u64::from_le_bytes(b.try_into().unwrap()))
    }

    #[test]
    fn records_round_trip_and_reject_garbage() {
        let r = Record {
            key: "rule\u{1f}team-a".into(),
            last_used_ms: 42,
            payload: vec![1, 2, 3],
        };
        assert_eq!(Record::decode(&r.encode()), Some(r));
        assert_eq!(Record::decode(&[]), None);
        assert_eq!(Record::decode(&[2, 0, 0]), None);
        assert_eq!(Record::decode(&[1, 9, 0, b'a']), None);
    }

    #[test]
    fn counts_add_up_per_key() {
        let store = MemoryStore::default();
        let table = Table::new(64, 7);
        for i in 0..10 {
            add(&table, &store, "a", i, 1);
            add(&table, &store, "b", i, 2);
        }
        assert_eq!(value(&table, &store, "a"), Some(10));
        assert_eq!(value(&table, &store, "b"), Some(20));
        assert_eq!(value(&table, &store, "c"), None);
    }

    #[test]
    fn long_keys_are_hashed_and_kept_apart() {
        let a = "x".repeat(600);
        let b = format!("{}y", "x".repeat(599));
        assert_eq!(stored_key(&a).len(), 65);
        assert_ne!(stored_key(&a), stored_key(&b));
        let store = MemoryStore::default();
        let table = Table::new(64, 7);
        add(&table, &store, &a, 1, 1);
        add(&table, &store, &b, 1, 5);
        assert_eq!(value(&table, &store, &a), Some(1));
        assert_eq!(value(&table, &store, &b), Some(5));
    }

    #[test]
    fn the_table_stays_bounded_and_evicts_the_least_recently_used() {
        let store = MemoryStore::default();
        let table = Table::new(16, 1);
        let mut evictions = 0;
        for i in 0..1000u64 {
            evictions += add(&table, &store, &format!("k{i}"), i, 1).evictions;
        }
        // 16 slots and the lock: never more keys than that.
        assert!(store.len() <= 17, "{}", store.len());
        assert!(evictions >= 1000 - 16);
        // The most recent key survives; an old one was evicted.
        assert_eq!(value(&table, &store, "k999"), Some(1));
        assert_eq!(value(&table, &store, "k0"), None);
    }

    #[test]
    fn idle_records_are_evicted_before_live_ones() {
        let store = MemoryStore::default();
        let table = Table::new(4, 3); // one probe set: all four slots
        let idle_if_odd =
            |r: &Record, _: u64| u64::from_le_bytes(r.payload.clone().try_into().unwrap()) % 2 == 1;
        let put = |key: &str, now: u64, v: u64| {
            table
                .update(&store, key, now, true, &idle_if_odd, &mut |_| {
                    Change::Write(v.to_le_bytes().to_vec(), ())
                })
                .unwrap()
                .1
        };
        put("a", 1, 2);
        put("b", 2, 3); // idle, though more recent than a
        put("c", 3, 2);
        put("d", 4, 2);
        let stats = put("e", 5, 2);
        assert_eq!(stats.evictions, 0, "an idle record is not a loss");
        assert_eq!(value(&table, &store, "b"), None);
        assert_eq!(value(&table, &store, "a"), Some(2));
        let stats = put("f", 6, 2);
        assert_eq!(stats.evictions, 1);
        assert_eq!(value(&table, &store, "a"), None, "a was the least recent");
    }

    #[test]
    fn a_key_that_may_not_evict_finds_no_room_among_live_records() {
        let store = MemoryStore::default();
        let table = Table::new(4, 3);
        for (i, k) in ["a", "b", "c", "d"].iter().enumerate() {
            add(&table, &store, k, i as u64, 1);
        }
        let err = table
            .update(&store, "spike", 10, false, &never_idle, &mut |_| {
                Change::Write(vec![1], ())
            })
            .unwrap_err();
        assert_eq!(err, StoreError::Full);
        for k in ["a", "b", "c", "d"] {
            assert_eq!(value(&table, &store, k), Some(1), "{k} kept");
        }
        // The lock was released on that path too.
        let (held, _) = store.get(LOCK_KEY).unwrap().unwrap();
        assert_eq!(held, 0u64.to_le_bytes());
    }

    /// A store that lets another "worker" write between this worker's read
    /// and its write, the interleaving CAS exists for.
    struct Interleaved<'a> {
        inner: &'a MemoryStore,
        gets: Cell<u32>,
        every: u32,
        other: &'a dyn Fn(&MemoryStore),
    }

    impl SharedStore for Interleaved<'_> {
        fn get(&self, key: &str) -> Result<Option<(Vec<u8>, u32)>, StoreError> {
            let got = self.inner.get(key);
            self.gets.set(self.gets.get() + 1);
            if self.gets.get().is_multiple_of(self.every) {
                (self.other)(self.inner);
            }
            got
        }

        fn set(&self, key: &str, value: &[u8], cas: u32) -> Result<bool, StoreError> {
            self.inner.set(key, value, cas)
        }
    }

    #[test]
    fn concurrent_writers_lose_no_update() {
        let store = MemoryStore::default();
        let table = Table::new(64, 9);
        let other = |s: &MemoryStore| {
            add(&Table::new(64, 9), s, "shared", 1, 1);
        };
        let racing = Interleaved {
            inner: &store,
            gets: Cell::new(0),
            every: 3,
            other: &other,
        };
        let mut retries = 0;
        for _ in 0..200 {
            retries += add(&table, &racing, "shared", 1, 1).cas_retries;
        }
        let others = racing.gets.get() / 3;
        assert!(retries > 0, "the interleaving must have caused mismatches");
        assert_eq!(
            value(&table, &store, "shared"),
            Some(200 + u64::from(others))
        );
    }

    #[test]
    fn slot_creation_races_lose_nothing() {
        // The other worker creates the very slot between our read (missing)
        // and our creation: the lock and the re-read under it catch that.
        let store = MemoryStore::default();
        let table = Table::new(64, 9);
        let other = |s: &MemoryStore| {
            if Table::new(64, 9).read(s, "k").unwrap().is_none() {
                add(&Table::new(64, 9), s, "k", 1, 100);
            }
        };
        let racing = Interleaved {
            inner: &store,
            gets: Cell::new(0),
            every: 1,
            other: &other,
        };
        add(&table, &racing, "k", 1, 1);
        assert_eq!(value(&table, &store, "k"), Some(101));
    }

    #[test]
    fn a_stale_lock_is_taken_over_and_a_fresh_one_waits() {
        let store = MemoryStore::default();
        let table = Table::new(64, 9);
        store.set(LOCK_KEY, &5u64.to_le_bytes(), 0).unwrap();
        // Held since t=5 ms: at t=500 a creation must wait (retry), and
        // after MAX_ATTEMPTS it reports contention rather than spin forever.
        let err = table
            .update(&store, "k", 500, true, &never_idle, &mut |_| {
                Change::Write(vec![0; 8], ())
            })
            .unwrap_err();
        assert_eq!(err, StoreError::Contention);
        // At t=5000 the lock is stale and is taken over.
        add(&table, &store, "k", 5000, 3);
        assert_eq!(value(&table, &store, "k"), Some(3));
        let (held, _) = store.get(LOCK_KEY).unwrap().unwrap();
        assert_eq!(held, 0u64.to_le_bytes(), "released");
    }
}
