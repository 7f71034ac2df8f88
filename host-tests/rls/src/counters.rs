//! Fixed-window counters, as Limitador keeps them: a counter is created by
//! its first hit and expires `seconds` later; a call checks every counter
//! it touches and counts in all of them or in none (nothing is counted
//! when any would go over). In this process's memory, or in Redis (one
//! Lua script per call, so the check and the count are atomic across every
//! instance sharing the Redis).

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

/// Where the counters are.
#[derive(Debug)]
pub enum Store {
    /// This process's memory.
    Memory(Mutex<HashMap<String, (u64, Instant)>>),
    /// Redis, shared by every instance using the same one.
    Redis(redis::aio::MultiplexedConnection),
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

    /// Counters in the Redis at `url`.
    pub async fn redis(url: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("redis {url}: {e}"))?;
        let conn = client
            .get_multiplexed_tokio_connection()
            .await
            .map_err(|e| format!("redis {url}: {e}"))?;
        Ok(Store::Redis(conn))
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
            Store::Redis(conn) => {
                let script = redis::Script::new(SCRIPT);
                let mut inv = script.prepare_invoke();
                inv.arg(delta);
                for t in touch {
                    inv.key(&t.key).arg(t.max).arg(t.seconds);
                }
                let mut conn = conn.clone();
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
