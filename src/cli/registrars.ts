/**
 * Commands implemented outside src/cli/commands are registered here. The ledger's `list`,
 * `status`, `resume` and `forget` (issue 4) go in this list as one `CommandRegistrar` each (or one
 * for all four): `(program, context) => program.command('list')...action(async (flags) => {
 * context.exitCode = await listCommand(flags, context.io, context.deps); })`.
 */
import type { CommandRegistrar } from './program.js';

/** Extra commands added to the program after upload, replace, demo and sandbox. */
export const EXTRA_COMMANDS: readonly CommandRegistrar[] = [];
