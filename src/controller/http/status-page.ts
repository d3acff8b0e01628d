/**
 * renderStatusPage renders the /status document as one self-contained HTML page: inline CSS, no
 * script, no external asset (it must work on an air-gapped operator's laptop and in a headless
 * browser), refreshed by the browser every 5 seconds.
 */
import type { Condition } from '../status/conditions.js';
import type { ObjectStatus, ResourceStatus, StatusDocument } from '../status/status-document.js';
import { addressLine } from './address-line.js';
import { formatDiagnostic } from '../../manifest/diagnostics.js';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:14px 24px;display:flex;gap:18px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header span{color:#c9d1d9}main{padding:16px 24px}
section{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin-bottom:16px;padding:12px 16px}
h2{font-size:15px;margin:0 0 8px}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}time{white-space:nowrap}th{font-size:12px;color:#57606a;text-transform:uppercase}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600}
.True{background:#dafbe1;color:#116329}.False{background:#ffebe9;color:#a40e26}.Unknown{background:#eaeef2;color:#57606a}
.chip{display:inline-block;margin:1px 4px 1px 0;padding:0 6px;border-radius:4px;background:#f6f8fa;border:1px solid #d0d7de;font-size:12px}
.ready{border-color:#4ac26b}.progressing{border-color:#d4a72c}.degraded,.failed,.absent{border-color:#ff8182}
.invalid{border-color:#ff8182;background:#fff5f5}.muted{color:#57606a}.err{color:#a40e26}
`;

export function renderStatusPage(doc: StatusDocument): string {
  const ready = doc.resources.filter((r) => r.inManifests && r.conditions.Ready.status === 'True').length;
  const desired = doc.resources.filter((r) => r.inManifests).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>converge watch — ${ready}/${desired} ready</title><style>${STYLE}</style></head>
<body><header><h1>converge watch</h1><span>${esc(doc.controller.phase)}</span><span class="mono">${esc(doc.manifests.dir)}</span>
<span>revision <code>${esc(short(doc.manifests.revision))}</code></span><span>${ready} of ${desired} resource(s) ready</span></header>
<main>${manifestsSection(doc)}${replicaSection(doc)}${resourcesSection(doc.resources)}
<p class="muted">Queue: ${doc.queue.depth} waiting, ${doc.queue.inFlight} in flight, ${doc.queue.delayed} backing off ·
<a href="/status">/status</a> · <a href="/metrics">/metrics</a> · <a href="/healthz">/healthz</a> · converge ${esc(doc.controller.version)}, pid ${doc.controller.pid}</p>
</main></body></html>
`;
}

function manifestsSection(doc: StatusDocument): string {
  const m = doc.manifests;
  const applied = doc.lastApplied ? `last applied ${time(doc.lastApplied.at)} at revision <code>${esc(short(doc.lastApplied.revision))}</code>` : 'not applied yet';
  const inForce = m.inForce ? `in force: revision <code>${esc(short(m.inForce.revision))}</code>, loaded ${time(m.inForce.loadedAt)}` : 'no valid manifest set yet';
  if (m.valid && !m.error) return `<section><h2>Manifests</h2><p>Valid, checked ${time(m.checkedAt)}; ${inForce}; ${applied}.</p></section>`;
  const problems = m.diagnostics.map((d) => `<li class="mono">${esc(formatDiagnostic(d))}</li>`).join('') + (m.error ? `<li class="mono">${esc(m.error)}</li>` : '');
  return `<section class="invalid"><h2>Manifests on disk are not in force</h2>
<p>The last good desired state stays in force (${inForce}); nothing is created or destroyed because of these problems. ${applied}.</p><ul>${problems}</ul></section>`;
}

/** replicaSection shows a sharded replica's shards and the live replicas (watch --sharded only). */
function replicaSection(doc: StatusDocument): string {
  const r = doc.replica;
  if (!r) return '';
  const members = r.members.map((m) => `<span class="chip${m.id === r.id ? ' ready' : ''}">${esc(m.id)} · ${m.shards} shard(s)</span>`).join('');
  const releasing = r.releasing.length > 0 ? `; handing over ${r.releasing.join(', ')}` : '';
  return `<section><h2>Replica <code>${esc(r.id)}</code></h2><p>Holds ${r.shards.length} of ${r.shardCount} shards${releasing}; ${r.liveReplicas} live replica(s). Only the resources of its shards are listed below.</p>
<p class="mono">shards ${esc(r.shards.join(', ') || 'none')}</p><p>${members}</p></section>`;
}

function resourcesSection(resources: readonly ResourceStatus[]): string {
  const rows = resources.map(resourceRow).join('');
  return `<section><h2>Resources</h2><table><thead><tr><th>Resource</th><th>Backend</th><th>Ready</th><th>Synced</th><th>Last converged</th><th>Objects</th><th>Last error</th></tr></thead>
<tbody>${rows || '<tr><td colspan="7" class="muted">No resources yet.</td></tr>'}</tbody></table></section>`;
}

function resourceRow(r: ResourceStatus): string {
  const name = `<code>${esc(r.key)}</code>${r.inManifests ? '' : ' <span class="muted">(not in manifests)</span>'}`;
  const error = r.lastError ? `<span class="err">${esc(r.lastError.code)}</span> ${esc(firstLine(r.lastError.message))} <span class="muted">${time(r.lastError.at)}</span>` : '';
  return `<tr><td>${name}</td><td>${esc(r.backend ?? '')}</td><td>${badge(r.conditions.Ready)}</td><td>${badge(r.conditions.Synced)}</td>
<td>${r.lastConvergedAt ? time(r.lastConvergedAt) : '<span class="muted">never</span>'}</td><td>${r.objects.map(chip).join('')}${leaseLine(r)}${addressLine(r.objects)}</td><td>${error}</td></tr>`;
}

function leaseLine(r: ResourceStatus): string {
  const ends = r.objects.map((o) => o.lease?.endsAt).filter((t): t is string => t !== undefined).sort()[0];
  if (!ends && !r.nextLeaseCheck) return '';
  const parts = [ends ? `lease ends ${time(ends)}` : '', r.nextLeaseCheck ? `renewal check ${time(r.nextLeaseCheck)}` : ''].filter(Boolean);
  return `<div class="muted">${parts.join(' · ')}</div>`;
}

function badge(c: Condition): string {
  return `<span class="badge ${c.status}" title="${esc(c.message ?? '')}">${esc(c.status === 'True' ? c.reason : `${c.status}: ${c.reason}`)}</span>`;
}

function chip(o: ObjectStatus): string {
  const label = o.key.split('/').slice(2).join('/') || o.key.split('/')[1] || o.key;
  return `<span class="chip ${o.phase}" title="${esc(o.message ?? Object.entries(o.ids).map(([k, v]) => `${k}=${v}`).join(' '))}">${esc(label)} · ${esc(o.phase)}</span>`;
}

function time(iso: string): string {
  return `<time datetime="${esc(iso)}">${esc(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time>`;
}

function short(revision: string | undefined): string {
  if (!revision) return 'none (not a git checkout)';
  return revision.replace(/^([0-9a-f]{12})[0-9a-f]{28}/, '$1');
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
