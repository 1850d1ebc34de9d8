/**
 * How the ledger's notices and the honest qualifiers of a verified upload (adopted video, upload
 * link gone at verify time) read for people. Shared by the terminal, plain and summary renderers.
 */
import type { CreatedEvent, NoticeEvent, UploadResult } from '../../upload/types.js';
import { stripControl } from './format.js';

/**
 * True when the engine says the create call's video was adopted (its answer was lost and the video
 * it made was found again).
 */
export function isAdopted(event: CreatedEvent): boolean {
  return event.adopted === true;
}

/** One line saying that a create call's lost answer was made good by adopting its video. */
export function adoptedLine(display: string, videoUri: string): string {
  return stripControl(
    `${display}: the create call's answer was lost; the video it made, ${videoUri}, was found and adopted (no second video).`,
  );
}

/** One line for a notice: `<file>: <message>` (the message is the ledger's plain sentence). */
export function noticeLine(display: string, event: NoticeEvent): string {
  return stripControl(`${display}: ${event.message}`);
}

/** The words after "verified" that a person should know: how it was confirmed, whose video it is. */
export function verifiedQualifiers(
  result: Pick<UploadResult, 'headUnavailable' | 'transcodeStatus'> | null,
  notices: readonly NoticeEvent['kind'][],
  adopted: boolean,
): string[] {
  const words: string[] = [];
  if (result?.transcodeStatus === 'complete') words.push('ready');
  if (result?.headUnavailable) words.push("link gone, Vimeo's upload.status says complete");
  if (adopted || notices.includes('adopted')) words.push('adopted video');
  if (notices.includes('new-version')) words.push('sent again as a new version');
  return words;
}
