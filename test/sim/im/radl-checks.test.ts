/**
 * RADL.check(): the allowed values, index continuity, connections to networks of the same
 * document, deploys naming systems, contextualize items and configure YAML, with radl's texts.
 */
import { describe, expect, it } from 'vitest';
import { checkRadl } from '../../../src/backends/im/sim/radl/checks.js';
import { parseRadl } from '../../../src/backends/im/sim/radl/parser.js';
import { featureValue, unitFactor } from '../../../src/backends/im/sim/radl/units.js';
import { getFeature } from '../../../src/backends/im/sim/radl/feature-set.js';

function checkError(radl: string): string {
  try {
    checkRadl(parseRadl(radl));
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  }
}

const rows: Array<{ reason: string; radl: string; error: string }> = [
  { reason: 'the example IM accepted passes', radl: "network pub ( outbound = 'yes' and outports = '22/tcp-22/tcp,80/tcp-80/tcp' )\nnetwork priv ( outbound = 'no' )\nsystem front ( cpu.count >= 1 and memory.size >= 1g and\n net_interface.0.connection = 'pub' and net_interface.0.dns_name = 'front' and\n net_interface.1.connection = 'priv' and disk.0.os.name = 'linux' and\n disk.0.image.url = 'mock0://img' and disk.1.size = 10g and disk.1.mount_path = '/data' and disk.1.fstype = 'ext4' )\ncontextualize ()\ndeploy front 1 dummy", error: 'ok' },
  { reason: 'cpu.arch has a closed set of values', radl: "system a ( cpu.arch = 'arm64' )", error: "Line 1: Invalid value; expected one of ['I386', 'X86_64']" },
  { reason: 'outbound is yes or no, case-insensitively', radl: "network n ( outbound = 'maybe' )", error: "Line 1: Invalid value; expected one of ['YES', 'NO']" },
  { reason: 'outports must parse', radl: "network n ( outports = '22-tcp' )", error: "Line 1: Invalid value in property 'outports'" },
  { reason: 'outports with a source network parse', radl: "network n ( outports = '0.0.0.0/0-8899/tcp-8899/tcp,8000:8010/tcp' )", error: 'ok' },
  { reason: "the lexer skips '!', so != reads as =", radl: "system a ( disk.0.os.name != 'linux' )", error: 'ok' },
  { reason: 'string features use = (checked ones only)', radl: "system a ( cpu.arch >= 'x86_64' )", error: "Line 1: Invalid operator; expected '='" },
  { reason: 'version strings may be compared', radl: "system a ( net_interface.0.connection = 'n' and disk.0.os.version >= '22.04' )\nnetwork n", error: 'ok' },
  { reason: 'cpu.count takes no unit', radl: 'system a ( cpu.count >= 2g )', error: 'Line 1: Invalid unit; expected none' },
  { reason: 'cpu.count is a number', radl: "system a ( cpu.count = 'two' )", error: "Line 1: Invalid type; expected <class 'float'>" },
  { reason: 'memory.size is an int', radl: 'system a ( memory.size >= 1.5g )', error: "Line 1: Invalid type; expected <class 'int'>" },
  { reason: 'memory units are sizes', radl: 'system a ( memory.size >= 2 parsecs )', error: "Line 1: Invalid unit; expected one of ['', 'B', 'K', 'M', 'G', 'T', 'KB', 'MB', 'GB', 'TB', 'KI', 'MI', 'GI', 'TI', 'KIB', 'MIB', 'GIB', 'TIB']" },
  { reason: 'os names are a closed set', radl: "system a ( disk.0.os.name = 'plan9' )", error: "Line 1: Invalid value; expected one of ['LINUX', 'WINDOWS', 'MAC OS X']" },
  { reason: 'new passwords must be strong', radl: "system a ( disk.0.os.credentials.new.password = 'weak' )", error: "Line 1: Invalid value in property 'disk.0.os.credentials.new.password'" },
  { reason: 'disk indices must start at 0', radl: "system a ( disk.1.size = 10g )", error: "Invalid indices values in properties 'disk'" },
  { reason: 'interface indices must not skip', radl: "network n\nsystem a ( net_interface.0.connection = 'n' and net_interface.2.connection = 'n' )", error: "Invalid indices values in properties 'net_interface'" },
  { reason: 'an index must be a number', radl: "system a ( disk.first.size = 10g )", error: 'Line 1: Invalid property name; expected an index.' },
  { reason: 'every interface needs a connection', radl: "network n\nsystem a ( net_interface.0.connection = 'n' and net_interface.1.ip = '1.2.3.4' )", error: 'Some net_interface does not have a connection' },
  { reason: 'a connection names a network of the same document', radl: "system a (\n cpu.count >= 1 and\n net_interface.0.connection = 'elsewhere' )", error: "Line 3: Invalid value in property 'net_interface.0.connection'" },
  { reason: 'a deploy names a system', radl: 'system a\ndeploy b 1', error: 'Line 2: Invalid system id in the deploy.' },
  { reason: 'contextualize items name a system', radl: 'configure c ()\ncontextualize ( system x configure c )', error: "Line 2: Invalid system id 'x'" },
  { reason: 'contextualize items name a configure', radl: 'system a\ncontextualize ( system a configure c )', error: "Line 2: Invalid configure id 'c'" },
  { reason: 'configure recipes are YAML', radl: 'configure c (\n@begin\n- tasks: [\n@end\n)', error: 'Line 1: Error parsing YAML: ' },
  { reason: 'soft groups are checked like systems', radl: "system a ( soft 5 ( cpu.arch = 'arm' ) )", error: "Line 1: Invalid value; expected one of ['I386', 'X86_64']" },
  { reason: 'applications are checked', radl: "system a ( disk.0.applications contains ( name = 'x' and version = 'one' ) )", error: "Line 1: Invalid value in property 'version'" },
];

describe('RADL checks', () => {
  it.each(rows)('$reason', ({ radl, error }) => {
    const got = checkError(radl);
    if (error.endsWith(': ')) expect(got.startsWith(error)).toBe(true);
    else expect(got).toBe(error);
  });
});

describe('RADL units', () => {
  const unitRows: Array<{ reason: string; unit: string; factor: number }> = [
    { reason: 'k is decimal', unit: 'k', factor: 1e3 },
    { reason: 'Ki is binary', unit: 'Ki', factor: 1024 },
    { reason: 'a trailing B is dropped', unit: 'MB', factor: 1e6 },
    { reason: 'MiB is binary mega', unit: 'MiB', factor: 2 ** 20 },
    { reason: 'case is ignored', unit: 'gI', factor: 2 ** 30 },
    { reason: 'terabytes', unit: 'T', factor: 1e12 },
    { reason: 'tebibytes', unit: 'Ti', factor: 2 ** 40 },
    { reason: 'unknown units count as 1', unit: 'parsec', factor: 1 },
  ];
  it.each(unitRows)('$reason', ({ unit, factor }) => expect(unitFactor(unit)).toBe(factor));

  it('converts to a target unit, rounding ints', () => {
    const set = parseRadl('system a ( memory.size >= 2g and disk.0.size = 1.5G )').systems[0]?.set ?? { entries: [] };
    const memory = getFeature(set, 'memory.size');
    const disk = getFeature(set, 'disk.0.size');
    expect(memory && featureValue(memory, 'M')).toEqual({ value: 2000, isFloat: false });
    expect(memory && featureValue(memory)).toEqual({ value: 2e9, isFloat: false });
    expect(disk && featureValue(disk)).toEqual({ value: 1.5e9, isFloat: true });
  });
});
