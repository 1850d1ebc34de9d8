/**
 * The sandbox's own records (videos, their uploads and versions, counters), kept in memory and
 * persisted as one JSON file in the data dir, written atomically (temp file + rename) after every
 * change. The uploaded bytes themselves live in the tus FileStore next to it.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One tus upload the sandbox created (the original upload of a video, or a version's). */
export interface UploadRecord {
  readonly uploadId: string;
  readonly sizeBytes: number;
  readonly issuedAtMs: number;
  /** When the last byte arrived; null while bytes are missing. */
  bytesCompleteAtMs: number | null;
}

/** A version created by `POST /videos/{id}/versions`. */
export interface VersionRecord extends UploadRecord {
  readonly versionId: string;
  readonly fileName: string | null;
}

/** A video. Its current upload is its newest version's, else its original one. */
export interface VideoRecord {
  readonly id: string;
  readonly createdAtMs: number;
  /** Pass-through metadata: name, description, privacy, ... (nested JSON as sent). */
  metadata: Record<string, unknown>;
  readonly upload: UploadRecord;
  readonly versions: VersionRecord[];
  uploadHostSawToken: boolean;
  deleted: boolean;
}

interface PersistedState {
  /**
   * This instance's user id: drawn when its data folder is new, kept across restarts on the same
   * folder. `GET /me` answers `/users/<id>`, so a client can tell a sandbox started on a new data
   * folder (whose video ids start again at 100000001) from the one it uploaded to before.
   */
  userId?: number;
  nextVideoId: number;
  nextVersionId: number;
  apiPort: number | null;
  uploadPort: number | null;
  createCalls: number;
  videosCreated: number;
  videos: VideoRecord[];
}

const STATE_FILE = 'sandbox-state.json';

/** In-memory records with atomic persistence. */
export class StateStore {
  readonly #file: string;
  #state: PersistedState;
  #writing: Promise<void> = Promise.resolve();
  /** The next write, while it waits for the one in progress: later changes ride on it. */
  #queued: Promise<void> | undefined;

  private constructor(file: string, state: PersistedState) {
    this.#file = file;
    this.#state = state;
  }

  /** Load the records from `dataDir`, or start empty. */
  static async open(dataDir: string): Promise<StateStore> {
    const file = join(dataDir, STATE_FILE);
    let state: PersistedState = {
      nextVideoId: 100_000_001,
      nextVersionId: 500_000_001,
      apiPort: null,
      uploadPort: null,
      createCalls: 0,
      videosCreated: 0,
      videos: [],
    };
    try {
      state = JSON.parse(await readFile(file, 'utf8')) as PersistedState;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (state.userId === undefined) state.userId = 10_000_000 + randomInt(89_999_999);
    return new StateStore(file, state);
  }

  /** This instance's user: `/users/<id>`, the same after a restart on the same data folder. */
  get userId(): string {
    return String(this.#state.userId);
  }

  get ports(): { apiPort: number | null; uploadPort: number | null } {
    return { apiPort: this.#state.apiPort, uploadPort: this.#state.uploadPort };
  }

  get createCalls(): number {
    return this.#state.createCalls;
  }

  get videosCreated(): number {
    return this.#state.videosCreated;
  }

  setPorts(apiPort: number, uploadPort: number): Promise<void> {
    this.#state.apiPort = apiPort;
    this.#state.uploadPort = uploadPort;
    return this.save();
  }

  noteCreateCall(): Promise<void> {
    this.#state.createCalls += 1;
    return this.save();
  }

  /** Every video, deleted ones included, oldest first. */
  allVideos(): readonly VideoRecord[] {
    return this.#state.videos;
  }

  liveVideos(): VideoRecord[] {
    return this.#state.videos.filter((v) => !v.deleted);
  }

  findVideo(id: string): VideoRecord | undefined {
    return this.#state.videos.find((v) => v.id === id && !v.deleted);
  }

  /** The video and upload record behind an upload id (deleted videos included). */
  findUpload(uploadId: string): { video: VideoRecord; upload: UploadRecord } | undefined {
    for (const video of this.#state.videos) {
      if (video.upload.uploadId === uploadId) return { video, upload: video.upload };
      const version = video.versions.find((v) => v.uploadId === uploadId);
      if (version) return { video, upload: version };
    }
    return undefined;
  }

  /** A fresh upload record with a 32-hex-digit id. */
  newUpload(sizeBytes: number, nowMs: number): UploadRecord {
    return {
      uploadId: randomBytes(16).toString('hex'),
      sizeBytes,
      issuedAtMs: nowMs,
      bytesCompleteAtMs: null,
    };
  }

  addVideo(metadata: Record<string, unknown>, upload: UploadRecord, nowMs: number): VideoRecord {
    const video: VideoRecord = {
      id: String(this.#state.nextVideoId++),
      createdAtMs: nowMs,
      metadata,
      upload,
      versions: [],
      uploadHostSawToken: false,
      deleted: false,
    };
    this.#state.videos.push(video);
    this.#state.videosCreated += 1;
    return video;
  }

  addVersion(video: VideoRecord, upload: UploadRecord, fileName: string | null): VersionRecord {
    const version: VersionRecord = { ...upload, versionId: String(this.#state.nextVersionId++), fileName };
    video.versions.push(version);
    return version;
  }

  /**
   * Persist the records; resolves once a write that began after this call is on disk. Writes are
   * serialized and atomic, and grouped: changes made while a write is in progress share the next
   * one, which serializes the records when it starts (eight uploads finishing together cost two
   * writes of the whole file, not eight).
   */
  save(): Promise<void> {
    if (this.#queued) return this.#queued;
    const tmp = `${this.#file}.tmp`;
    const queued = this.#writing
      .catch(() => undefined)
      .then(async () => {
        this.#queued = undefined; // from here on, a change needs the next write
        await writeFile(tmp, JSON.stringify(this.#state));
        await rename(tmp, this.#file);
      });
    this.#queued = queued;
    this.#writing = queued;
    return queued;
  }
}

/** The upload whose bytes and status a video reports: its newest version's, else its own. */
export function currentUpload(video: VideoRecord): UploadRecord {
  return video.versions.at(-1) ?? video.upload;
}
