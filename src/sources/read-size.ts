/**
 * How a file range is read for a PATCH body: the size of each read, how many read buffers cycle
 * between disk and socket, and when reads leave the event loop. Memory per transfer is
 * READ_BUFFER_COUNT × READ_SIZE_BYTES (2 MiB), whatever the chunk size.
 *
 * Why 1 MiB synchronous reads (measured; docs/benchmarks.md, "Findings", client CPU): a client
 * streaming 1 GiB to a receiver that discards it spent 0.55–0.81 CPU-s/GiB on the transfer with
 * 64 KiB reads (16 buffers) and 0.27–0.41 with 1 MiB reads (2 buffers); to the sandbox, 0.96 →
 * 0.76 CPU-s/GiB for the whole process (medians of 4). The per-piece work (a read call, a socket write, its
 * callback, a progress update) is most of a Node client's user time, and 16 times fewer pieces cut
 * it from ~0.4 to ~0.1 s/GiB; the kernel's copies cost about the same either way (the reads land in
 * L2-sized or not, the socket copy comes later). Thread-pool reads cost a hand-off each, so reads
 * run on the calling thread: 1 MiB from the page cache takes a fraction of a millisecond. A read
 * that is slow (a cold disk, a network file system) shown by a few slow reads switches the
 * transfer to thread-pool reads, so slow storage does not hold the event loop.
 *
 * A piece's write callback comes once the kernel took all of it, which on a slow link can take
 * longer than the stall timeout (1 MiB at 16 KiB/s: 64 s); the stall timer then also counts the
 * kernel taking part of a piece (src/tus/http-exchange.ts), so the read size sets no lower bound on
 * the link's speed.
 */

/** Size of each read from disk while streaming a PATCH body. */
export const READ_SIZE_BYTES = 1024 * 1024;

/** Read buffers cycling between disk and socket: one being filled while the other waits in the socket. */
export const READ_BUFFER_COUNT = 2;

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
