//! How the server's memory goes back to the system.
//!
//! glibc's allocator gives each thread that allocates its own arena and keeps freed memory in
//! them; a language server whose documents are analysed on a pool of threads then holds the peak
//! of every thread long after the documents are closed (measured by `benches/lsp/memory.py`:
//! +42% resident memory over ten rounds of opening and closing the corpus). Two arenas and a trim
//! after a document is closed keep it at what the open documents need. Other platforms and
//! allocators need neither.

/// Limits the allocator to two arenas; call once, before the threads start.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// `M_ARENA_MAX` in glibc's `malloc.h`.
        const M_ARENA_MAX: std::ffi::c_int = -8;
        // SAFETY: `mallopt` only sets an allocator parameter; it is called before any thread
        // of ours allocates.
        unsafe {
            glibc::mallopt(M_ARENA_MAX, 2);
        }
    }
}

/// Gives memory freed by closed documents back to the system.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free pages of the allocator's heaps to the system.
    unsafe {
        glibc::malloc_trim(0);
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    use std::ffi::c_int;

    extern "C" {
        pub fn mallopt(param: c_int, value: c_int) -> c_int;
        pub fn malloc_trim(pad: usize) -> c_int;
    }
}
