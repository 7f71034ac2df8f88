//! Envoy's rate-limit service protocol (RLS v3): the messages `throttle`
//! sends and reads, encoded and decoded by hand (being written).
