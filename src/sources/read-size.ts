/**
 * How a file range is read for a PATCH body: the size of each read, how many read buffers cycle
 * between disk and socket, and when reads leave the event loop. Memory per transfer is
 * READ_BUFFER_COUNT × READ_SIZE_BYTES (1 MiB), whatever the chunk size.
 *
 * Why small synchronous reads (measured; docs/benchmarks.md, "Findings", client CPU): reading
 * 1 GiB from the page cache costs ~0.14 s of kernel time in 64 KiB reads into a reused buffer, but
 * ~0.5-0.65 s in 4 MiB reads, because a 4 MiB destination no longer fits the CPU's L2 cache (and the
 * socket's copy then reads it back from far memory too). Small reads through the thread pool cost
 * more than they save (one thread hand-off per 64 KiB), so they run on the calling thread: a 64 KiB
 * read from the page cache takes microseconds. A read that is slow (a cold disk, a network file
 * system) shown by a few slow reads switches the transfer to thread-pool reads, so slow storage does
 * not hold the event loop.
 */

/** Size of each read from disk while streaming a PATCH body. */
export const READ_SIZE_BYTES = 64 * 1024;

/** Read buffers cycling between disk and socket: up to 1 MiB handed to the socket and not yet taken. */
export const READ_BUFFER_COUNT = 16;

/**
 * A synchronous read slower than this suggests the file is not in the page cache and its storage is
 * slow; a busy machine can also pause a process for 10-20 ms in the middle of a fast read (measured
 * here under load), so one slow read alone proves nothing.
 */
export const SLOW_READ_MS = 25;

/**
 * This many slow reads among the last SLOW_READ_WINDOW reads move the transfer to thread-pool reads
 * for good: slow storage shows it at once, a scheduling hiccup almost never three times in a row.
 */
export const SLOW_READS_TO_SWITCH = 3;

/** The number of recent reads over which slow reads are counted. */
export const SLOW_READ_WINDOW = 128;
