import { ConvergeError } from '../../errors/converge-error.js';
import type { ExitCode } from '../exit-codes.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';

export async function importCommand(_dir: string, _key: string, _id: string, _out: Output, _options: CommonOptions & { lockTimeoutMs: number }): Promise<ExitCode> {
  throw new ConvergeError('INVALID', 'USAGE', 'import: not built yet');
}
