//! Fixed-window counters, as Limitador keeps them: a counter is created by
//! its first hit and expires `seconds` later; a call checks every counter
//! it touches and counts in all of them or in none (nothing is counted
//! when any would go over).
//!
//! Where, and how atomically, is a deployment choice of the real server,
//! reproduced here because it decides how far a burst can overshoot:
//!
//! | [`Store`] | as | check and count |
//! |---|---|---|
//! | `Memory` | Limitador's in-memory storage (one instance) | atomic (one lock) |
//! | `Redis` (racy) | Limitador's `redis` storage | the counters are read, then incremented, in separate round trips: concurrent calls that all read below the limit all count |
//! | `RedisAtomic` | a server that checks and counts in one Lua script | atomic across every instance on the Redis |
//! | `RedisCached` | Limitador's `redis_cached` storage | each instance checks its own cached values and flushes its increments to Redis every 100 ms: every instance may admit a whole window's worth before it sees the others' |

// A server on the host, on real time (the workspace's clippy.toml disallows
// std clocks for code that runs in a wasm VM).
#![allow(clippy::disallowed_methods)]

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One counter a call touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    /// Its storage key.
    pub key: String,
    /// Hits allowed per window.
    pub max: u64,
    /// The window.
    pub seconds: u64,
}

/// A counter after the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// Hits in the window: after this call's, or before them when the call
    /// was over a limit (nothing counted).
    pub value: u64,
    /// Time until the window ends (`None`: no counter yet).
    pub expires_in: Option<Duration>,
}

/// A Redis connection that reconnects (`ConnectionManager`, which has no
/// `Debug`).
#[derive(Clone)]
pub struct Conn(redis::aio::ConnectionManager);

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Conn")
    }
}

/// Where the counters are (see the module docs).
#[derive(Debug)]
pub enum Store {
    /// This process's memory.
    Memory(Mutex<HashMap<String, (u64, Instant)>>),
    /// Redis, read then incremented (Limitador's `redis` storage).
    Redis(Conn),
    /// Redis, checked and counted in one script.
    RedisAtomic(Conn),
    /// Redis behind a per-instance cache flushed every 100 ms.
    RedisCached(std::sync::Arc<Cached>),
}

/// How an instance keeps its counters in Redis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisMode {
    /// Read, then increment (Limitador's `redis`).
    Racy,
    /// One Lua script.
    Atomic,
    /// A local cache, flushed (Limitador's `redis_cached`).
    Cached,
}

/// One cached counter: what Redis said at the last flush, what this
/// instance has counted since, and when the window ends.
#[derive(Debug, Clone, Copy)]
struct Entry {
    remote: u64,
    pending: u64,
    end: Instant,
    seconds: u64,
}

/// The cache of [`Store::RedisCached`].
#[derive(Debug)]
pub struct Cached {
    conn: Conn,
    entries: Mutex<HashMap<String, Entry>>,
}

/// The check-and-count, in one Lua script: `KEYS` the counters, `ARGV[1]`
/// the hits, then each counter's max and window in seconds. Returns
/// `[limited, value_1, pttl_1, value_2, pttl_2, …]`.
const SCRIPT: &str = r"
local delta = tonumber(ARGV[1])
local limited = 0
local values = {}
for i, key in ipairs(KEYS) do
  local v = tonumber(redis.call('GET', key) or '0')
  values[i] = v
  if v + delta > tonumber(ARGV[2 * i]) then limited = 1 end
end
local out = {limited}
for i, key in ipairs(KEYS) do
  local v = values[i]
  if limited == 0 then
    v = redis.call('INCRBY', key, delta)
    if v == delta then redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]) * 1000) end
  end
  table.insert(out, v)
  table.insert(out, redis.call('PTTL', key))
end
return out
";

impl Store {
    /// Counters in memory.
    pub fn memory() -> Self {
        Store::Memory(Mutex::new(HashMap::new()))
    }

    /// Counters in the Redis at `url`, kept as `mode` says.
    pub async fn redis(url: &str, mode: RedisMode) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("redis {url}: {e}"))?;
        // A connection that reconnects after Redis goes away and comes back
        // (as Limitador's pool does): the fault drills stop and restart
        // Redis under a running service. While Redis is down a call fails
        // within a second (UNAVAILABLE to the caller), never hangs.
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_number_of_retries(1)
            .set_max_delay(200)
            .set_connection_timeout(Duration::from_millis(500))
            .set_response_timeout(Duration::from_secs(1));
        let conn = Conn(
            redis::aio::ConnectionManager::new_with_config(client, config)
                .await
                .map_err(|e| format!("redis {url}: {e}"))?,
        );
        Ok(match mode {
            RedisMode::Racy => Store::Redis(conn),
            RedisMode::Atomic => Store::RedisAtomic(conn),
            RedisMode::Cached => {
                let cached = std::sync::Arc::new(Cached {
                    conn,
                    entries: Mutex::new(HashMap::new()),
                });
                let flusher = std::sync::Arc::clone(&cached);
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        flusher.flush().await;
                    }
                });
                Store::RedisCached(cached)
            }
        })
    }

    /// Checks every counter in `touch` and, unless one would go over,
    /// counts `delta` in all of them. `(limited, each counter after)`.
    pub async fn check_and_count(
        &self,
        touch: &[Touch],
        delta: u64,
    ) -> Result<(bool, Vec<Seen>), String> {
        match self {
            Store::Memory(map) => {
                let mut map = map.lock().map_err(|_| "poisoned".to_owned())?;
                let now = Instant::now();
                map.retain(|_, (_, end)| *end > now);
                let limited = touch.iter().any(|t| {
                    let v = map.get(&t.key).map_or(0, |(v, _)| *v);
                    v.saturating_add(delta) > t.max
                });
                let mut seen = Vec::with_capacity(touch.len());
                for t in touch {
                    if !limited {
                        let e = map
                            .entry(t.key.clone())
                            .or_insert((0, now + Duration::from_secs(t.seconds)));
                        e.0 = e.0.saturating_add(delta);
                    }
                    let (value, expires_in) = map.get(&t.key).map_or((0, None), |(v, end)| {
                        (*v, Some(end.saturating_duration_since(now)))
                    });
                    seen.push(Seen { value, expires_in });
                }
                Ok((limited, seen))
            }
            Store::Redis(conn) => racy(conn, touch, delta).await,
            Store::RedisCached(cached) => cached.check_and_count(touch, delta).await,
            Store::RedisAtomic(conn) => {
                let script = redis::Script::new(SCRIPT);
                let mut inv = script.prepare_invoke();
                inv.arg(delta);
                for t in touch {
                    inv.key(&t.key).arg(t.max).arg(t.seconds);
                }
                let mut conn = conn.0.clone();
                let out: Vec<i64> = inv
                    .invoke_async(&mut conn)
                    .await
                    .map_err(|e| format!("redis: {e}"))?;
                let limited = out.first().copied().unwrap_or(0) == 1;
                let seen = out
                    .get(1..)
                    .unwrap_or_default()
                    .chunks(2)
                    .map(|pair| Seen {
                        value: u64::try_from(pair[0]).unwrap_or(0),
                        expires_in: u64::try_from(pair[1]).ok().map(Duration::from_millis),
                    })
                    .collect();
                Ok((limited, seen))
            }
        }
    }
}

/// Limitador's `redis` storage: read every counter, decide, then count —
/// two round trips, so concurrent calls can all read below the limit.
async fn racy(conn: &Conn, touch: &[Touch], delta: u64) -> Result<(bool, Vec<Seen>), String> {
    let mut conn = conn.0.clone();
    let err = |e: redis::RedisError| format!("redis: {e}");
    let keys: Vec<&str> = touch.iter().map(|t| t.key.as_str()).collect();
    let values: Vec<Option<u64>> = redis::cmd("MGET")
        .arg(&keys)
        .query_async(&mut conn)
        .await
        .map_err(err)?;
    let limited = touch
        .iter()
        .zip(&values)
        .any(|(t, v)| v.unwrap_or(0).saturating_add(delta) > t.max);
    let mut seen = Vec::with_capacity(touch.len());
    for (t, v) in touch.iter().zip(&values) {
        let value = if limited {
            v.unwrap_or(0)
        } else {
            let now: u64 = redis::cmd("INCRBY")
                .arg(&t.key)
                .arg(delta)
                .query_async(&mut conn)
                .await
                .map_err(err)?;
            if now == delta {
                let _: i64 = redis::cmd("PEXPIRE")
                    .arg(&t.key)
                    .arg(t.seconds.saturating_mul(1000))
                    .query_async(&mut conn)
                    .await
                    .map_err(err)?;
            }
            now
        };
        let pttl: i64 = redis::cmd("PTTL")
            .arg(&t.key)
            .query_async(&mut conn)
            .await
            .map_err(err)?;
        seen.push(Seen {
            value,
            expires_in: u64::try_from(pttl).ok().map(Duration::from_millis),
        });
    }
    Ok((limited, seen))
}

impl Cached {
    /// Checks against this instance's view (fetched from Redis on a miss)
    /// and counts locally; the flush carries the counts to Redis.
    async fn check_and_count(
        &self,
        touch: &[Touch],
        delta: u64,
    ) -> Result<(bool, Vec<Seen>), String> {
        let now = Instant::now();
        let missing: Vec<Touch> = {
            let map = self.entries.lock().map_err(|_| "poisoned".to_owned())?;
            touch
                .iter()
                .filter(|t| map.get(&t.key).is_none_or(|e| e.end <= now))
                .cloned()
                .collect()
        };
        for t in &missing {
            let mut conn = self.conn.0.clone();
            let (value, pttl): (Option<u64>, i64) = redis::pipe()
                .cmd("GET")
                .arg(&t.key)
                .cmd("PTTL")
                .arg(&t.key)
                .query_async(&mut conn)
                .await
                .map_err(|e| format!("redis: {e}"))?;
            let left = u64::try_from(pttl)
                .map(Duration::from_millis)
                .unwrap_or(Duration::from_secs(t.seconds));
            let mut map = self.entries.lock().map_err(|_| "poisoned".to_owned())?;
            // Another call may have fetched it meanwhile (and counted in
            // it): keep that one.
            let fresh = Entry {
                remote: value.unwrap_or(0),
                pending: 0,
                end: now + left,
                seconds: t.seconds,
            };
            match map.get_mut(&t.key) {
                Some(e) if e.end > now => {}
                Some(e) => *e = fresh,
                None => {
                    map.insert(t.key.clone(), fresh);
                }
            }
        }
        let mut map = self.entries.lock().map_err(|_| "poisoned".to_owned())?;
        let total = |e: &Entry| e.remote.saturating_add(e.pending);
        let limited = touch.iter().any(|t| {
            map.get(&t.key)
                .is_some_and(|e| total(e).saturating_add(delta) > t.max)
        });
        let mut seen = Vec::with_capacity(touch.len());
        for t in touch {
            if let Some(e) = map.get_mut(&t.key) {
                if !limited {
                    e.pending = e.pending.saturating_add(delta);
                }
                seen.push(Seen {
                    value: total(e),
                    expires_in: Some(e.end.saturating_duration_since(now)),
                });
            }
        }
        Ok((limited, seen))
    }

    /// Adds every pending count to Redis and takes its total back.
    async fn flush(&self) {
        let batch: Vec<(String, u64, u64)> = match self.entries.lock() {
            Ok(mut map) => {
                let now = Instant::now();
                map.retain(|_, e| e.end > now || e.pending > 0);
                map.iter_mut()
                    .filter(|(_, e)| e.pending > 0)
                    .map(|(k, e)| {
                        let p = std::mem::take(&mut e.pending);
                        e.remote = e.remote.saturating_add(p);
                        (k.clone(), p, e.seconds)
                    })
                    .collect()
            }
            Err(_) => return,
        };
        let mut conn = self.conn.0.clone();
        for (key, pending, seconds) in batch {
            let total: Result<u64, _> = redis::cmd("INCRBY")
                .arg(&key)
                .arg(pending)
                .query_async(&mut conn)
                .await;
            let Ok(total) = total else { continue };
            if total == pending {
                let _: Result<i64, _> = redis::cmd("PEXPIRE")
                    .arg(&key)
                    .arg(seconds.saturating_mul(1000))
                    .query_async(&mut conn)
                    .await;
            }
            if let Ok(mut map) = self.entries.lock() {
                if let Some(e) = map.get_mut(&key) {
                    // Redis's total has this instance's flushed counts and
                    // every other instance's; what was counted since the
                    // snapshot is still pending here.
                    e.remote = total;
                }
            }
        }
    }
}
