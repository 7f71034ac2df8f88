//! Guest memory access with bounds checks, and allocation through the guest's
//! own allocator (`proxy_on_memory_allocate`, or `malloc`).

use wasmtime::{AsContext, AsContextMut, Caller, Extern};

use super::state::{Status, VmState};

pub(crate) type Ctx<'a> = Caller<'a, VmState>;

fn memory(caller: &mut Ctx<'_>) -> Result<wasmtime::Memory, Status> {
    if let Some(m) = caller.data().memory {
        return Ok(m);
    }
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => {
            caller.data_mut().memory = Some(m);
            Ok(m)
        }
        _ => Err(Status::InvalidMemoryAccess),
    }
}

/// Copies `len` bytes at `ptr` out of guest memory.
pub(crate) fn read(caller: &mut Ctx<'_>, ptr: u32, len: u32) -> Result<Vec<u8>, Status> {
    if len == 0 {
        return Ok(Vec::new());
    }
    let mem = memory(caller)?;
    let data = mem.data(caller.as_context());
    let start = ptr as usize;
    let end = start
        .checked_add(len as usize)
        .ok_or(Status::InvalidMemoryAccess)?;
    data.get(start..end)
        .map(<[u8]>::to_vec)
        .ok_or(Status::InvalidMemoryAccess)
}

pub(crate) fn read_string(caller: &mut Ctx<'_>, ptr: u32, len: u32) -> Result<String, Status> {
    Ok(String::from_utf8_lossy(&read(caller, ptr, len)?).into_owned())
}

pub(crate) fn write(caller: &mut Ctx<'_>, ptr: u32, bytes: &[u8]) -> Result<(), Status> {
    if bytes.is_empty() {
        return Ok(());
    }
    let mem = memory(caller)?;
    let data = mem.data_mut(caller.as_context_mut());
    let start = ptr as usize;
    let end = start
        .checked_add(bytes.len())
        .ok_or(Status::InvalidMemoryAccess)?;
    data.get_mut(start..end)
        .ok_or(Status::InvalidMemoryAccess)?
        .copy_from_slice(bytes);
    Ok(())
}

pub(crate) fn write_u32(caller: &mut Ctx<'_>, ptr: u32, v: u32) -> Result<(), Status> {
    write(caller, ptr, &v.to_le_bytes())
}

pub(crate) fn write_u64(caller: &mut Ctx<'_>, ptr: u32, v: u64) -> Result<(), Status> {
    write(caller, ptr, &v.to_le_bytes())
}

/// Allocates `bytes.len()` in the guest, copies `bytes` there and writes the
/// pointer and size to `ptr_ptr` / `size_ptr`, as every proxy-wasm "return
/// buffer" call does.
pub(crate) fn return_bytes(
    caller: &mut Ctx<'_>,
    bytes: &[u8],
    ptr_ptr: u32,
    size_ptr: u32,
) -> wasmtime::Result<Status> {
    let alloc = match caller.data().alloc.clone() {
        Some(f) => f,
        None => {
            let f = caller
                .get_export("proxy_on_memory_allocate")
                .or_else(|| caller.get_export("malloc"))
                .and_then(Extern::into_func)
                .ok_or_else(|| {
                    wasmtime::Error::msg(
                        "module exports neither proxy_on_memory_allocate nor malloc",
                    )
                })?
                .typed::<u32, u32>(caller.as_context())?;
            caller.data_mut().alloc = Some(f.clone());
            f
        }
    };
    let len = u32::try_from(bytes.len()).map_err(|_| wasmtime::Error::msg("buffer over 4 GiB"))?;
    // Like proxy-wasm-cpp-host's copyToPointerSize: nothing is allocated for
    // an empty value and the guest gets a null pointer (the Rust SDK reads
    // that as "no value").
    let ptr = if len == 0 {
        0
    } else {
        alloc.call(caller.as_context_mut(), len)?
    };
    if ptr == 0 && len > 0 {
        return Ok(Status::InternalFailure);
    }
    for result in [
        write(caller, ptr, bytes),
        write_u32(caller, ptr_ptr, ptr),
        write_u32(caller, size_ptr, len),
    ] {
        if let Err(status) = result {
            return Ok(status);
        }
    }
    Ok(Status::Ok)
}
