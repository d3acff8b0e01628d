/**
 * ManifestWatcher tells the controller that the manifests directory changed. chokidar folds
 * editors' write-to-temp-then-rename into one change (atomic) and reports every other event as
 * it happens; one trailing debounce, `debounceMs` of quiet after the last event of any file,
 * turns a burst (a `git pull` touching ten files, a file written in many chunks) into one reload.
 * Every write to a file is an event, so that quiet time also means "no file is being written":
 * chokidar's awaitWriteFinish (size stable for 100 ms, polled) would only wait for the same
 * quiet once more before the debounce starts, so it is not used. Ignored paths: ignore-path.ts.
 */
import { watch, type FSWatcher } from 'chokidar';
import { resolve } from 'node:path';
import { isIgnoredPath } from './ignore-path.js';

export interface ManifestWatcherOptions {
  dir: string;
  /** debounceMs is the quiet time after the last event before `onChange` fires. */
  debounceMs: number;
  /** onChange gets the paths changed since the last call (relative to nothing: absolute). */
  onChange(paths: string[]): void;
  onError(error: Error): void;
}

export class ManifestWatcher {
  readonly #watcher: FSWatcher;
  readonly #changed = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  private constructor(watcher: FSWatcher, private readonly options: ManifestWatcherOptions) {
    this.#watcher = watcher;
    watcher.on('all', (_event, path) => this.#note(path));
    watcher.on('error', (error) => options.onError(error instanceof Error ? error : new Error(String(error))));
  }

  /** start resolves once the initial scan is done, so no edit after it is missed. */
  static async start(options: ManifestWatcherOptions): Promise<ManifestWatcher> {
    const root = resolve(options.dir);
    const watcher = watch(root, {
      ignoreInitial: true,
      ignored: (path: string) => isIgnoredPath(root, path),
      atomic: true,
      followSymlinks: false,
    });
    await new Promise<void>((ready) => watcher.once('ready', () => ready()));
    return new ManifestWatcher(watcher, options);
  }

  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    await this.#watcher.close();
  }

  #note(path: string): void {
    this.#changed.add(path);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const paths = [...this.#changed].sort();
      this.#changed.clear();
      this.options.onChange(paths);
    }, this.options.debounceMs);
  }
}
