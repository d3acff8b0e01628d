/**
 * The pure parts of the XenAPI driver, as tables: credential files, Failure → ConvergeError
 * mapping, Backend options, task results, and how an Infrastructure expands into VMs and networks.
 */
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load-manifests.js';
import type { InfrastructureResource } from '../../src/manifest/types.js';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { redact } from '../../src/errors/redact.js';
import { parseXenCredentials } from '../../src/backends/xenapi/session/credentials.js';
import { XenFailure } from '../../src/backends/xenapi/api/errors.js';
import { parseXenOptions } from '../../src/backends/xenapi/xen-options.js';
import { taskResult } from '../../src/backends/xenapi/api/records.js';
import { expandInfrastructure, parseKey } from '../../src/backends/xenapi/xen-spec.js';
import { manifestDir } from '../helpers/engine.js';
import { xenBackend, xenInfra } from '../helpers/xen-manifests.js';

describe('parseXenCredentials', () => {
  const rows: Array<{ reason: string; text: string; expected?: { username: string; password: string } }> = [
    { reason: 'key = value lines, with comments and blank lines', text: '# pool admin\nusername = root\n\npassword = s3cret-pw\n', expected: { username: 'root', password: 's3cret-pw' } },
    { reason: '`user` is accepted for the user name', text: 'user=ops\npassword= p@ss=word ', expected: { username: 'ops', password: 'p@ss=word' } },
    { reason: 'one user:password line, split at the first colon', text: 'root:pa:ss-word\n', expected: { username: 'root', password: 'pa:ss-word' } },
    { reason: 'a password is required', text: 'username = root\n' },
    { reason: 'a bare word is not a credential', text: 'xenroot\n' },
    { reason: 'an empty password is refused', text: 'root:\n' },
  ];
  for (const row of rows) {
    it(row.reason, () => {
      if (row.expected) {
        expect(parseXenCredentials(row.text, 'file:creds')).toEqual(row.expected);
        expect(redact(`login ${row.expected.password}`)).toBe('login [redacted]');
      } else {
        const error = (() => {
          try {
            parseXenCredentials(row.text, 'file:creds');
          } catch (e) {
            return e;
          }
        })();
        expect(error).toMatchObject({ kind: 'INVALID', code: 'XEN_CREDENTIALS_FORMAT' });
        expect((error as Error).message).toContain('file:creds');
      }
    });
  }
});

describe('XenFailure', () => {
  const rows: Array<{ reason: string; description: string[]; kind: ConvergeError['kind']; code: string }> = [
    { reason: 'a vanished object is NOT_FOUND', description: ['HANDLE_INVALID', 'VM', 'OpaqueRef:x'], kind: 'NOT_FOUND', code: 'XEN_HANDLE_INVALID' },
    { reason: 'an expired session is UNAUTHORIZED (after the one re-login)', description: ['SESSION_INVALID', 'OpaqueRef:s'], kind: 'UNAUTHORIZED', code: 'XEN_SESSION_INVALID' },
    { reason: 'bad credentials are UNAUTHORIZED', description: ['SESSION_AUTHENTICATION_FAILED', 'root', 'bad'], kind: 'UNAUTHORIZED', code: 'XEN_SESSION_AUTHENTICATION_FAILED' },
    { reason: 'a busy VM is a CONFLICT, retried after observing again', description: ['OTHER_OPERATION_IN_PROGRESS', 'VM', 'OpaqueRef:v', 'clone', 'OpaqueRef:t'], kind: 'CONFLICT', code: 'XEN_OTHER_OPERATION_IN_PROGRESS' },
    { reason: 'a wrong power state is a CONFLICT', description: ['VM_BAD_POWER_STATE', 'OpaqueRef:v', 'halted', 'running'], kind: 'CONFLICT', code: 'XEN_VM_BAD_POWER_STATE' },
    { reason: 'a rejected value is INVALID', description: ['INVALID_VALUE', 'VCPUs_max', '0'], kind: 'INVALID', code: 'XEN_INVALID_VALUE' },
    { reason: 'an unknown code is TERMINAL, never retried blindly', description: ['SR_BACKEND_FAILURE_44', '', 'no space'], kind: 'TERMINAL', code: 'XEN_SR_BACKEND_FAILURE_44' },
  ];
  for (const row of rows) {
    it(row.reason, () => {
      const error = new XenFailure('VM.start', row.description);
      expect([error.kind, error.code, error.xenCode]).toEqual([row.kind, row.code, row.description[0]]);
      expect(error.message).toBe(`VM.start: ${row.description[0]} [${row.description.slice(1).join(', ')}]`);
    });
  }
});

describe('parseXenOptions and taskResult', () => {
  it('reads sr, shutdownTimeout and the network map, and refuses wrong shapes', () => {
    expect(parseXenOptions({ sr: 'Local storage', shutdownTimeout: '90s', networks: { lan: 'Pool-wide network associated with eth0' } }, 'x')).toEqual({
      sr: 'Local storage',
      shutdownTimeoutMs: 90_000,
      networks: { lan: 'Pool-wide network associated with eth0' },
    });
    expect(parseXenOptions({}, 'x')).toEqual({ shutdownTimeoutMs: 60_000, networks: {} });
    expect(() => parseXenOptions({ shutdownTimeout: 90 }, 'x')).toThrow(/options.shutdownTimeout/);
    expect(() => parseXenOptions({ networks: { lan: 3 } }, 'x')).toThrow(/options.networks.lan/);
  });

  it('reads a task result as xapi prints it', () => {
    expect(taskResult('<value>OpaqueRef:1b2c</value>')).toBe('OpaqueRef:1b2c');
    expect(taskResult('<value></value>')).toBe('');
    expect(taskResult('')).toBe('');
    expect(taskResult('<value><string>a &amp; b</string></value>')).toBe('a & b');
  });
});

describe('expandInfrastructure', () => {
  it('makes one VM per deployed instance and one network per declared network, VMs depending on theirs', async () => {
    const dir = await manifestDir({
      'xen.cred': 'root:xenroot\n',
      'backend.yaml': xenBackend('http://127.0.0.1:1/'),
      'infra.yaml': xenInfra('web', {
        networks: ['lan', 'dmz'],
        systems: [
          '{name: front, cpu: {count: 2, arch: x86_64}, memory: 1Gi, image: "Debian Bookworm 12", disks: [{size: 20GB}], interfaces: [dmz, lan]}',
          '{name: spare, cpu: 1, memory: 512Mi, image: "Other install media"}',
        ],
        deploy: { front: 2, spare: 0 },
        extra: '  power: stopped\n  updatePolicy: restart\n',
      }),
    });
    const set = await loadManifests(dir);
    expect(set.diagnostics).toEqual([]);
    const objects = expandInfrastructure(set.resources.find((r) => r.kind === 'Infrastructure') as InfrastructureResource);
    expect(objects.map((o) => [o.key, o.dependsOn])).toEqual([
      ['Infrastructure/web/network/lan', []],
      ['Infrastructure/web/network/dmz', []],
      ['Infrastructure/web/vm/front-0', ['Infrastructure/web/network/dmz', 'Infrastructure/web/network/lan']],
      ['Infrastructure/web/vm/front-1', ['Infrastructure/web/network/dmz', 'Infrastructure/web/network/lan']],
    ]);
    expect(objects[2]!.spec).toEqual({
      name: 'web-front-0',
      template: 'Debian Bookworm 12',
      arch: 'x86_64',
      provisioned: true,
      memory: 1024 ** 3,
      memoryMin: 1024 ** 3,
      vcpus: 2,
      vcpusAtStartup: 2,
      disks: [{ size: 20_000_000_000 }],
      interfaces: ['dmz', 'lan'],
      power: 'halted',
      updatePolicy: 'restart',
    });
    expect(objects.map((o) => parseKey(o.key)?.type)).toEqual(['network', 'network', 'vm', 'vm']);
    expect(parseKey('Infrastructure/web/vm/front-0#duplicate-u')).toBeUndefined();
  });
});
