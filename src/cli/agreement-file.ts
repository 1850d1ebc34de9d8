/**
 * The agreement times a CLI process learned (src/upload/agreement-times.ts), kept in the state
 * folder next to the ledger, so the next command does not learn the host again: a script that runs
 * `vimeo-tus upload` once per file otherwise pays a learning upload's reads every time (every 25 ms
 * until the API agrees: 4 reads of the video against the sandbox's 100 ms; test/cli/agreement-file.test.ts
 * measures fewer for the next command). Only a cache: a missing, unreadable or malformed
 * file means "learn again", and a failed write costs nothing but that.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AgreementTimes, agreementTimes, type LearnedAgreement } from '../upload/agreement-times.js';

/** The file's name in the state folder. */
export const AGREEMENT_FILE_NAME = 'agreement-times.json';

/** How many API hosts the file remembers (the most recently learned). */
const MAX_HOSTS = 16;

interface AgreementFile {
  readonly version: 1;
  /** Per API URL: the bracket and when it was saved (epoch ms). */
  readonly hosts: Record<string, LearnedAgreement & { readonly savedAtMs: number }>;
}

/** The path of the file in `stateDir`. */
export function agreementFilePath(stateDir: string): string {
  return join(stateDir, AGREEMENT_FILE_NAME);
}

async function readHosts(path: string): Promise<AgreementFile['hosts']> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<AgreementFile> | null;
    if (parsed?.version !== 1 || typeof parsed.hosts !== 'object' || parsed.hosts === null) return {};
    // Entries that are not objects are dropped here; adopt() checks the numbers of the others.
    return Object.fromEntries(
      Object.entries(parsed.hosts).filter(([, entry]) => typeof entry === 'object' && entry !== null),
    );
  } catch {
    return {};
  }
}

/** Takes up what earlier commands learned (into the process's agreement times). */
export async function loadAgreementTimes(
  stateDir: string,
  memory: AgreementTimes = agreementTimes,
): Promise<void> {
  for (const [apiUrl, saved] of Object.entries(await readHosts(agreementFilePath(stateDir)))) {
    memory.adopt(apiUrl, saved);
  }
}

/**
 * Writes what this process learned, merged with the file's other hosts (a command running beside
 * this one may have learned another). Atomic (temp file + rename); never throws.
 */
export async function saveAgreementTimes(
  stateDir: string,
  memory: AgreementTimes = agreementTimes,
  now: () => number = Date.now,
): Promise<void> {
  const learned = memory.learned();
  if (learned.size === 0) return;
  const path = agreementFilePath(stateDir);
  const hosts = await readHosts(path);
  for (const [apiUrl, bracket] of learned) hosts[apiUrl] = { ...bracket, savedAtMs: now() };
  const kept = Object.entries(hosts)
    .sort(([, a], [, b]) => (Number(b.savedAtMs) || 0) - (Number(a.savedAtMs) || 0))
    .slice(0, MAX_HOSTS);
  const file: AgreementFile = { version: 1, hosts: Object.fromEntries(kept) };
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(file)}\n`);
    await rename(temp, path);
  } catch {
    // A cache: the next command learns the host again.
    await rm(temp, { force: true }).catch(() => undefined);
  }
}
