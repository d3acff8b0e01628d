/**
 * addressLine is the status page's "how to reach it" line under a resource's objects: every
 * distinct address its objects reported (IPs, host:port, node names), HTML-escaped.
 */
import { wideAccess } from '../../util/access-text.js';
import type { ObjectStatus } from '../status/status-document.js';

export function addressLine(objects: readonly ObjectStatus[]): string {
  const addresses = [...new Set(objects.flatMap((o) => wideAccess(o.access).split(',')).filter(Boolean))];
  if (addresses.length === 0) return '';
  return `<div class="mono addresses">${addresses.map(escape).join(' · ')}</div>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
