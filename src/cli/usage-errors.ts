/**
 * commander's own errors (an unknown option, a bad value) quote what was typed. Someone may type a
 * token as a flag (`--token=…`, which the CLI does not take), so the value of every `--flag=value`
 * they quote is hidden, and so is VIMEO_TOKEN wherever it appears. An unknown `--token` also says
 * where the token goes instead.
 */
import { redact } from '../errors.js';

/** Commands whose `--json` output always ends with a `summary` line (docs/cli.md). */
const JSON_SUMMARY_COMMANDS = new Set(['upload', 'replace', 'demo', 'resume']);

const TOKEN_FLAG_HINT =
  'vimeo-tus takes no token on the command line (it would stay in shell history and show in process ' +
  'lists): set VIMEO_TOKEN=... or pass --token-file FILE.';

/** commander's error text, fit to print: typed values after `=` hidden, the token redacted. */
export function usageErrorText(text: string, env: Readonly<Record<string, string | undefined>>): string {
  const shown = redact(text.replace(/(--[\w-]+)=[^'"\s]*/g, '$1=…'), [env.VIMEO_TOKEN?.trim()]);
  if (!/unknown option '--token[=']/.test(text)) return shown;
  return `${shown.trimEnd()}\n${TOKEN_FLAG_HINT}\n`;
}

/** True when `argv` runs a command that promises a `--json` summary, with `--json`. */
export function promisesJsonSummary(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  return JSON_SUMMARY_COMMANDS.has(args[0] ?? '') && args.includes('--json');
}
