/**
 * IM's state rules (im.md (a) "VM states and aggregation"): the VM refinement and the
 * order-dependent single pass over VMs in id order.
 */
import { describe, expect, it } from 'vitest';
import { aggregateState, refineVmState } from '../../../src/backends/im/sim/state-aggregation.js';
import type { CloudState, VmState } from '../../../src/backends/im/sim/model/types.js';

const aggregation: Array<{ reason: string; vms: VmState[]; configured: boolean | null; want: VmState }> = [
  { reason: 'configured then stopped keeps the first value', vms: ['configured', 'stopped'], configured: true, want: 'configured' },
  { reason: 'stopped then configured keeps the first value', vms: ['stopped', 'configured'], configured: true, want: 'stopped' },
  { reason: 'running overrides an earlier stopped (observed {0: stopped, 5: running})', vms: ['stopped', 'running'], configured: true, want: 'running' },
  { reason: 'pending wins over running in any order', vms: ['pending', 'running'], configured: null, want: 'pending' },
  { reason: 'pending after running still wins', vms: ['running', 'pending'], configured: null, want: 'pending' },
  { reason: 'failed stops the pass', vms: ['configured', 'failed', 'unknown'], configured: true, want: 'failed' },
  { reason: 'unknown stops the pass', vms: ['running', 'unknown', 'failed'], configured: true, want: 'unknown' },
  { reason: 'unconfigured overrides configured', vms: ['configured', 'unconfigured'], configured: true, want: 'unconfigured' },
  { reason: 'unconfigured does not override stopped', vms: ['stopped', 'unconfigured'], configured: true, want: 'stopped' },
  { reason: 'running overrides unconfigured', vms: ['unconfigured', 'running'], configured: true, want: 'running' },
  { reason: 'off fills an empty result only', vms: ['off', 'configured'], configured: true, want: 'off' },
  { reason: 'deleting VMs do not count', vms: ['deleting'], configured: true, want: 'unknown' },
  { reason: 'no VMs and no outcome yet is pending (async create)', vms: [], configured: null, want: 'pending' },
  { reason: 'no VMs after they were removed is unknown', vms: [], configured: true, want: 'unknown' },
  { reason: 'a failed infrastructure-level contextualization with nothing set is failed (no deploys)', vms: [], configured: false, want: 'failed' },
];

describe('infrastructure state aggregation', () => {
  it.each(aggregation)('$reason', ({ vms, configured, want }) => {
    expect(aggregateState(vms, configured)).toBe(want);
  });
});

const refinement: Array<{ reason: string; cloud: CloudState; vm: boolean | null; inf: boolean | null; want: VmState }> = [
  { reason: 'pending contextualization reads running', cloud: 'running', vm: null, inf: null, want: 'running' },
  { reason: 'successful contextualization reads configured', cloud: 'running', vm: true, inf: true, want: 'configured' },
  { reason: 'failed contextualization reads unconfigured', cloud: 'running', vm: false, inf: null, want: 'unconfigured' },
  { reason: 'a failed infrastructure-level contextualization makes every running VM unconfigured', cloud: 'running', vm: true, inf: false, want: 'unconfigured' },
  { reason: 'a stopped VM stays stopped whatever the contextualization', cloud: 'stopped', vm: true, inf: false, want: 'stopped' },
  { reason: 'cloud states other than running pass through', cloud: 'off', vm: null, inf: null, want: 'off' },
];

describe('VM state refinement', () => {
  it.each(refinement)('$reason', ({ cloud, vm, inf, want }) => {
    expect(refineVmState(cloud, vm, inf)).toBe(want);
  });
});
