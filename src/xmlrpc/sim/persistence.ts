/**
 * JsonFilePersistence keeps a simulator's state in one JSON file, written atomically (temp file,
 * fsync, rename) and synchronously before the call that changed it is answered. So a simulator
 * killed at any moment restarts with either the state before a call or the state after it,
 * never a torn file, and a reply the client saw always describes persisted state.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export class JsonFilePersistence<T> {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  load(): T | undefined {
    if (!existsSync(this.path)) return undefined;
    return JSON.parse(readFileSync(this.path, 'utf8')) as T;
  }

  save(state: T): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
