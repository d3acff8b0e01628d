/**
 * The node-access settings of a planetlab Backend, `spec.ssh` (schemas/backend.schema.json):
 *
 *   ssh:
 *     privateKey: {fromFile: keys/ctl_ed25519}   # or {fromEnv: NAME}: a controller member's key
 *     knownHosts: {fromFile: keys/known_hosts}   # or {fromEnv: NAME}: host keys are always verified
 *     user: princeton_ctl                        # default: each slice's controller name
 *     configFile: ssh_config                     # optional, passed with -F (HostName/Port per node)
 *     port: 22                                   # optional
 *     parallel: 8                                # ssh sessions at once (default: limits.connections)
 *
 * There is no setting that turns host key checking off.
 */
import type { BackendSpec, PlanetLabSshSettings } from '../../../manifest/types.js';

export type SshOptions = PlanetLabSshSettings;

/** sshOptionsOf reads a Backend's node access (none: only `url: embedded` can reach nodes). */
export function sshOptionsOf(spec: BackendSpec): SshOptions {
  return spec.ssh ?? {};
}
