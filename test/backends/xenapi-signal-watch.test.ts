import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SignalWatch } from '../../src/backends/xenapi/api/signal-watch.js';

describe('SignalWatch', () => {
  it('holds one listener per signal, calls each waiter still registered once on abort, and lets go when none is left', () => {
    const watch = new SignalWatch();
    const controller = new AbortController();
    const called: string[] = [];
    const stops = ['a', 'b', 'c'].map((name) => watch.add(controller.signal, () => called.push(name)));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    stops[1]!();
    controller.abort();
    controller.abort();
    expect(called).toEqual(['a', 'c']);

    const other = new AbortController();
    const stop = watch.add(other.signal, () => called.push('never'));
    stop();
    stop();
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
    other.abort();
    expect(called).toEqual(['a', 'c']);
  });
});
