/**
 * The state a human-facing reporter shows: one entry per file, updated from the batch's events.
 * Pure bookkeeping, no output, so the terminal and plain renderers share it and tests can build it.
 */
import type {
  CreatedEvent,
  NoticeEvent,
  RetryEvent,
  UploadPhase,
  UploadProgress,
  UploadResult,
} from '../../upload/types.js';
import type { PlannedFile } from '../files.js';
import type { ShownError } from './reporter.js';

/** Where a file is, as shown to a person. */
export type ViewPhase = 'queued' | UploadPhase | 'verified' | 'failed' | 'interrupted';

/** One file as shown. */
export interface FileView {
  readonly file: PlannedFile;
  phase: ViewPhase;
  /** The engine's count of bytes written by this run (resent bytes included). */
  bytesSent: number;
  bytesAcked: number;
  /**
   * How far the bytes on the wire reach: acknowledged offset plus what was written since the last
   * acknowledgement (bytes written before a retry are written off). Between `bytesAcked` and total.
   */
  sentPosition: number;
  /** `bytesSent` when `bytesAcked` last moved or a retry began. */
  sentMark: number;
  bytesTotal: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  videoUri: string | null;
  link: string | null;
  /**
   * What is being done before the bytes move, in a few words: `replacing /videos/1`, `resuming`,
   * `already verified`...; null until known (the ledger's notice or the create call tells).
   */
  action: string | null;
  /** Set while waiting to retry. */
  retry: { readonly reason: string; readonly code: string; readonly untilMs: number } | null;
  startedAtMs: number | null;
  endedAtMs: number | null;
  error: ShownError | null;
}

/** All files of a batch, in planning order. */
export class BatchView {
  readonly files: FileView[] = [];
  readonly startedAtMs: number;
  private readonly byPath = new Map<string, FileView>();

  constructor(
    files: readonly PlannedFile[],
    private readonly now: () => number,
  ) {
    this.startedAtMs = now();
    for (const file of files) {
      const view: FileView = {
        file,
        phase: 'queued',
        bytesSent: 0,
        bytesAcked: 0,
        sentPosition: 0,
        sentMark: 0,
        bytesTotal: file.sizeBytes ?? 0,
        bytesPerSecond: 0,
        etaSeconds: null,
        videoUri: null,
        link: null,
        action: null,
        retry: null,
        startedAtMs: null,
        endedAtMs: null,
        error: null,
      };
      this.files.push(view);
      this.byPath.set(file.absolutePath, view);
    }
  }

  /** The entry of a file. */
  get(file: PlannedFile): FileView {
    const view = this.byPath.get(file.absolutePath);
    if (!view) throw new Error(`unknown file in batch view: ${file.display}`);
    return view;
  }

  began(file: PlannedFile): FileView {
    const view = this.get(file);
    view.phase = 'creating';
    view.startedAtMs = this.now();
    return view;
  }

  /** What the ledger decided for the file (`resumed`, `already-verified`...): the words of its action. */
  noticed(file: PlannedFile, kind: NoticeEvent['kind']): FileView {
    const view = this.get(file);
    view.action = ACTION_OF_NOTICE[kind] ?? view.action;
    return view;
  }

  created(file: PlannedFile, event: CreatedEvent): FileView {
    const view = this.get(file);
    view.videoUri = event.videoUri;
    view.link = event.link;
    view.bytesTotal = event.bytesTotal;
    return view;
  }

  progress(file: PlannedFile, progress: UploadProgress): FileView {
    const view = this.get(file);
    view.phase = progress.phase;
    if (progress.bytesAcked > view.bytesAcked) view.sentMark = progress.bytesSent;
    view.bytesSent = progress.bytesSent;
    view.bytesAcked = Math.max(view.bytesAcked, progress.bytesAcked);
    view.bytesTotal = progress.bytesTotal;
    view.sentPosition = Math.min(
      view.bytesTotal,
      view.bytesAcked + Math.max(0, view.bytesSent - view.sentMark),
    );
    view.bytesPerSecond = progress.bytesPerSecond;
    view.etaSeconds = progress.etaSeconds;
    if (progress.phase !== 'retrying') view.retry = null;
    return view;
  }

  retry(file: PlannedFile, event: RetryEvent): FileView {
    const view = this.get(file);
    view.phase = 'retrying';
    view.sentMark = view.bytesSent;
    view.sentPosition = view.bytesAcked;
    view.retry = { reason: event.reason, code: event.code, untilMs: this.now() + event.delayMs };
    return view;
  }

  verified(file: PlannedFile, result: UploadResult): FileView {
    const view = this.get(file);
    view.phase = 'verified';
    view.videoUri = result.videoUri;
    view.link = result.link;
    view.bytesTotal = result.bytesTotal;
    view.bytesAcked = result.uploadOffset;
    view.bytesSent = Math.max(view.bytesSent, result.bytesSent);
    view.sentPosition = result.uploadOffset;
    view.retry = null;
    view.endedAtMs = this.now();
    return view;
  }

  failed(file: PlannedFile, error: ShownError, status: 'failed' | 'interrupted'): FileView {
    const view = this.get(file);
    view.phase = status;
    view.error = error;
    view.retry = null;
    view.endedAtMs = this.now();
    return view;
  }

  /** Files being worked on now. */
  active(): FileView[] {
    return this.files.filter((view) => !isFinished(view.phase) && view.phase !== 'queued');
  }

  /** Totals over every file that has a known size. */
  totals(): {
    bytesTotal: number;
    bytesAcked: number;
    bytesSent: number;
    bytesPerSecond: number;
    done: number;
    failed: number;
    queued: number;
    active: number;
  } {
    let bytesTotal = 0;
    let bytesAcked = 0;
    let bytesSent = 0;
    let bytesPerSecond = 0;
    let done = 0;
    let failed = 0;
    let queued = 0;
    let active = 0;
    for (const view of this.files) {
      bytesTotal += view.bytesTotal;
      bytesAcked += view.bytesAcked;
      bytesSent += Math.max(view.bytesAcked, view.sentPosition);
      if (view.phase === 'verified') done += 1;
      else if (view.phase === 'failed' || view.phase === 'interrupted') failed += 1;
      else if (view.phase === 'queued') queued += 1;
      else {
        active += 1;
        bytesPerSecond += view.bytesPerSecond;
      }
    }
    return { bytesTotal, bytesAcked, bytesSent, bytesPerSecond, done, failed, queued, active };
  }
}

/** What a notice means the file's upload is doing now. */
const ACTION_OF_NOTICE: Partial<Record<NoticeEvent['kind'], string>> = {
  resumed: 'resuming',
  'already-verified': 'already verified',
  'new-version': 'sending again as a new version',
  adopted: 'adopting the video of a lost create',
  'deleted-placeholder': 'creating a new video',
  'no-placeholder': 'creating a new video',
  superseded: 'creating a new video',
  restarted: 'creating a new video',
};

/** True once a file will not change any more. */
export function isFinished(phase: ViewPhase): boolean {
  return phase === 'verified' || phase === 'failed' || phase === 'interrupted';
}
