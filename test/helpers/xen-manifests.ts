/**
 * Manifests for XenAPI tests: a Backend at a simulator URL (default user root/xenroot) and
 * Infrastructures built from a few knobs.
 */
export const XEN_CREDENTIALS = 'username = root\npassword = xenroot\n';

export function xenBackend(url: string, options = 'shutdownTimeout: 2s', extra = ''): string {
  return `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: xen}\nspec:\n  type: xenapi\n  url: "${url}"\n  credentials: {fromFile: xen.cred}\n  options: {${options}}\n${extra}`;
}

export interface XenInfraOptions {
  networks?: string[];
  systems: string[];
  deploy: Record<string, number>;
  extra?: string;
}

/** xenInfra: `systems` are YAML flow mappings, e.g. `{name: web, cpu: 1, memory: 512Mi, image: "Debian Bookworm 12", interfaces: [lan]}`. */
export function xenInfra(name: string, o: XenInfraOptions): string {
  const networks = (o.networks ?? ['lan']).map((n) => `{name: ${n}}`).join(', ');
  const deploy = Object.entries(o.deploy).map(([s, n]) => `${s}: ${n}`).join(', ');
  return (
    `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: ${name}}\nspec:\n  backend: xen\n  networks: [${networks}]\n` +
    `  systems:\n${o.systems.map((s) => `    - ${s}\n`).join('')}  deploy: {${deploy}}\n${o.extra ?? ''}`
  );
}
