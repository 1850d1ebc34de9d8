/**
 * The tus store's per-upload records (`<id>.json` next to the bytes), read from memory after the
 * first time: @tus/file-store's own config store reads and parses the file on every request (open,
 * stat, read, close), and a PATCH of the sandbox asks three times. Writes and deletes still go to the
 * file first, so a restarted sandbox finds every record on disk; nothing else edits these files.
 */
import { type Configstore, FileConfigstore } from '@tus/file-store';
import type { Upload } from '@tus/server';

/** A write-through cache over {@link FileConfigstore} (the text is kept, so each reader gets its own copy). */
export class CachedConfigstore implements Configstore {
  readonly #files: FileConfigstore;
  readonly #texts = new Map<string, string>();

  constructor(directory: string) {
    this.#files = new FileConfigstore(directory);
  }

  async get(key: string): Promise<Upload | undefined> {
    const text = this.#texts.get(key);
    if (text !== undefined) return JSON.parse(text) as Upload;
    const value = await this.#files.get(key);
    if (value !== undefined) this.#texts.set(key, JSON.stringify(value));
    return value;
  }

  async set(key: string, value: Upload): Promise<void> {
    this.#texts.delete(key); // a failed write must not leave a record the disk does not have
    await this.#files.set(key, value);
    this.#texts.set(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.#texts.delete(key);
    await this.#files.delete(key);
  }

  list(): Promise<string[]> {
    return this.#files.list();
  }
}
