/**
 * How a file range is read for a PATCH body: the size of each read and how many read buffers cycle
 * between disk and socket. Memory per transfer is READ_BUFFER_COUNT × READ_SIZE_BYTES, whatever the
 * chunk size.
 */

/**
 * Size of each read from disk while streaming a PATCH body. Measured (256 MiB PATCH to @tus/server on
 * loopback, 5 alternating runs, medians): 4 MiB reads ≈ 1.0-1.05 client CPU-s/GiB, 2 MiB ≈ 1.1-1.2,
 * fs.createReadStream with 2 MiB reads ≈ 1.25; 8 MiB no better than 4.
 */
export const READ_SIZE_BYTES = 4 * 1024 * 1024;

/** Read buffers cycling between disk and socket (one filling while one is written): 2 measured as fast as 3. */
export const READ_BUFFER_COUNT = 2;
