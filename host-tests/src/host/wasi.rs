//! The WASI preview1 imports that Rust's std needs on `wasm32-wasip1`, as
//! Envoy provides them: environment variables from the VM's configuration
//! (Istio `vmConfig.env`), clocks from the host's (virtual) clock, random
//! bytes, stdout/stderr into the log, and no file system.

use wasmtime::Linker;

use super::guest::{read, write, write_u32, write_u64, Ctx};
use super::state::{lock, LogLevel, VmState};

const MODULE: &str = "wasi_snapshot_preview1";
const ESUCCESS: u32 = 0;
const EBADF: u32 = 8;
const EFAULT: u32 = 21;
const EINVAL: u32 = 28;
const ENOSYS: u32 = 52;
const ENOTSUP: u32 = 58;

type R = wasmtime::Result<u32>;

fn errno(r: Result<(), super::state::Status>) -> u32 {
    match r {
        Ok(()) => ESUCCESS,
        Err(_) => EFAULT,
    }
}

/// Writes a list of NUL-terminated strings the way `args_get`/`environ_get`
/// return them: pointers into one buffer.
fn write_string_list(caller: &mut Ctx<'_>, items: &[String], ptrs: u32, buf: u32) -> u32 {
    let mut offset = buf;
    for (i, item) in items.iter().enumerate() {
        let mut bytes = item.as_bytes().to_vec();
        bytes.push(0);
        let slot = ptrs.wrapping_add((i as u32).wrapping_mul(4));
        if write_u32(caller, slot, offset).is_err() || write(caller, offset, &bytes).is_err() {
            return EFAULT;
        }
        offset = offset.wrapping_add(bytes.len() as u32);
    }
    ESUCCESS
}

fn sizes(items: &[String]) -> (u32, u32) {
    let total: usize = items.iter().map(|s| s.len() + 1).sum();
    (items.len() as u32, total as u32)
}

fn env_list(vm: &VmState) -> Vec<String> {
    vm.env.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

/// Buffers stdout/stderr and logs complete lines: stdout at info, stderr at
/// error, as Envoy does.
fn log_output(vm: &mut VmState, fd: u32, bytes: &[u8]) {
    let (buf, level) = if fd == 1 {
        (&mut vm.stdout, LogLevel::Info)
    } else {
        (&mut vm.stderr, LogLevel::Error)
    };
    buf.extend_from_slice(bytes);
    let mut lines = Vec::new();
    while let Some(nl) = buf.iter().position(|b| *b == b'\n') {
        let line: Vec<u8> = buf.drain(..=nl).collect();
        lines.push(String::from_utf8_lossy(&line[..line.len() - 1]).into_owned());
    }
    for line in lines {
        vm.log(level, line);
    }
}

pub(crate) fn add_to_linker(linker: &mut Linker<VmState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        MODULE,
        "args_sizes_get",
        |mut c: Ctx<'_>, argc: u32, size: u32| -> R {
            let (n, total) = sizes(&c.data().args.clone());
            Ok(errno(
                write_u32(&mut c, argc, n).and_then(|()| write_u32(&mut c, size, total)),
            ))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "args_get",
        |mut c: Ctx<'_>, ptrs: u32, buf: u32| -> R {
            let args = c.data().args.clone();
            Ok(write_string_list(&mut c, &args, ptrs, buf))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "environ_sizes_get",
        |mut c: Ctx<'_>, n: u32, size: u32| -> R {
            let (count, total) = sizes(&env_list(c.data()));
            Ok(errno(
                write_u32(&mut c, n, count).and_then(|()| write_u32(&mut c, size, total)),
            ))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "environ_get",
        |mut c: Ctx<'_>, ptrs: u32, buf: u32| -> R {
            let env = env_list(c.data());
            Ok(write_string_list(&mut c, &env, ptrs, buf))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "clock_res_get",
        |mut c: Ctx<'_>, id: u32, ret: u32| -> R {
            if id > 3 {
                return Ok(EINVAL);
            }
            Ok(errno(write_u64(&mut c, ret, 1)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "clock_time_get",
        |mut c: Ctx<'_>, id: u32, _precision: u64, ret: u32| -> R {
            let (epoch, elapsed) = {
                let shared = lock(&c.data().shared);
                (shared.epoch_nanos, shared.elapsed.as_nanos() as u64)
            };
            let now = match id {
                0 => epoch.saturating_add(elapsed), // realtime
                1 => elapsed,                       // monotonic
                _ => return Ok(ENOTSUP),
            };
            Ok(errno(write_u64(&mut c, ret, now)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_write",
        |mut c: Ctx<'_>, fd: u32, iovs: u32, iovs_len: u32, nwritten: u32| -> R {
            if fd != 1 && fd != 2 {
                return Ok(EBADF);
            }
            let mut total = 0u32;
            let mut out = Vec::new();
            for i in 0..iovs_len {
                let at = iovs.wrapping_add(i.wrapping_mul(8));
                let Ok(iov) = read(&mut c, at, 8) else {
                    return Ok(EFAULT);
                };
                let ptr = u32::from_le_bytes([iov[0], iov[1], iov[2], iov[3]]);
                let len = u32::from_le_bytes([iov[4], iov[5], iov[6], iov[7]]);
                let Ok(bytes) = read(&mut c, ptr, len) else {
                    return Ok(EFAULT);
                };
                out.extend_from_slice(&bytes);
                total = total.wrapping_add(len);
            }
            log_output(c.data_mut(), fd, &out);
            Ok(errno(write_u32(&mut c, nwritten, total)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_read",
        |_c: Ctx<'_>, _fd: u32, _iovs: u32, _n: u32, _ret: u32| -> R { Ok(ENOSYS) },
    )?;
    linker.func_wrap(MODULE, "fd_close", |_c: Ctx<'_>, _fd: u32| -> R {
        Ok(ESUCCESS)
    })?;
    linker.func_wrap(
        MODULE,
        "fd_seek",
        |_c: Ctx<'_>, _fd: u32, _off: i64, _whence: u32, _ret: u32| -> R { Ok(ESUCCESS) },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_fdstat_get",
        |mut c: Ctx<'_>, fd: u32, ret: u32| -> R {
            if fd > 2 {
                return Ok(EBADF);
            }
            // filetype: character device (2); no flags; all rights.
            let mut stat = [0u8; 24];
            stat[0] = 2;
            stat[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
            stat[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
            Ok(errno(write(&mut c, ret, &stat)))
        },
    )?;
    // No preopened directories: EBADF ends std's enumeration.
    linker.func_wrap(
        MODULE,
        "fd_prestat_get",
        |_c: Ctx<'_>, _fd: u32, _ret: u32| -> R { Ok(EBADF) },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_prestat_dir_name",
        |_c: Ctx<'_>, _fd: u32, _p: u32, _l: u32| -> R { Ok(EBADF) },
    )?;
    linker.func_wrap(
        MODULE,
        "random_get",
        |mut c: Ctx<'_>, buf: u32, len: u32| -> R {
            if len > 64 * 1024 {
                return Ok(EINVAL);
            }
            let mut bytes = Vec::with_capacity(len as usize);
            while bytes.len() < len as usize {
                bytes.extend_from_slice(&c.data_mut().next_random().to_le_bytes());
            }
            bytes.truncate(len as usize);
            Ok(errno(write(&mut c, buf, &bytes)))
        },
    )?;
    linker.func_wrap(MODULE, "sched_yield", |_c: Ctx<'_>| -> R { Ok(ESUCCESS) })?;
    linker.func_wrap(
        MODULE,
        "poll_oneoff",
        |_c: Ctx<'_>, _in: u32, _out: u32, _n: u32, _ret: u32| -> R { Ok(ENOSYS) },
    )?;
    linker.func_wrap(
        MODULE,
        "proc_exit",
        |mut c: Ctx<'_>, code: u32| -> wasmtime::Result<()> {
            c.data_mut().exit_code = Some(code);
            Err(wasmtime::Error::msg(format!(
                "the module called proc_exit({code})"
            )))
        },
    )?;
    Ok(())
}
