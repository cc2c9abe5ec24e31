/**
 * Which template file a name resolves to, without a file-system call per look-up: the template folders are listed
 * once (every file with its metadata) and kept current two ways. Each folder is watched (`fs.watch`, inotify): any
 * change (a template edited, added, renamed or removed, in any subfolder) makes the next look-up list them again.
 * And because a watch event arrives a moment after the change, the search folders themselves are also checked with
 * one `stat` each (inode and modification time, which change when an entry is added, removed or renamed) once per
 * synchronous run of look-ups, i.e. once per render of a device rather than once per candidate name and folder: a
 * template dropped into `var/templates/` (or removed from it) takes effect on the very next render. Where a folder
 * cannot be watched (no inotify watch left), every look-up checks the files, as before.
 */
import { readdirSync, statSync, watch, type FSWatcher, type Stats } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** A template file found in a search folder. */
export interface TemplateFile {
  /** The absolute path of the file. */
  path: string;
  /** The index of the search folder it was found in (0 is searched first). */
  index: number;
  /** Its metadata when the folders were listed (compiled templates are reused while it is unchanged). */
  stats: Stats;
}

/** How deep folders are listed (symlinked folders are followed, so loops stop here). */
const MAX_DEPTH = 8;

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Every regular file under `root` (following symlinks), by `/`-separated relative name, and every folder listed. */
function listFiles(root: string, into: Map<string, Stats>, folders: string[], rel = '', depth = 0): void {
  const folder = rel === '' ? root : join(root, rel);
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return;
  }
  folders.push(folder);
  for (const entry of entries) {
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      if (depth < MAX_DEPTH) listFiles(root, into, folders, child, depth + 1);
      continue;
    }
    const stats = statOrUndefined(join(root, child));
    if (stats?.isFile()) into.set(child, stats);
    else if (stats?.isDirectory() && depth < MAX_DEPTH) listFiles(root, into, folders, child, depth + 1);
  }
}

/** What tells that a folder's entries changed: its inode and modification time, or `-` when it is missing. */
function stampOf(folder: string): string {
  const stats = statOrUndefined(folder);
  return stats?.isDirectory() ? `${stats.ino}:${stats.mtimeMs}` : '-';
}

/** Closes the watchers of a {@link TemplateFiles} that was garbage-collected without `close()`. */
const orphans = new FinalizationRegistry<FSWatcher[]>((watchers) => {
  for (const watcher of watchers) watcher.close();
});

/**
 * The files of ordered template folders (custom before default), listed once and kept current by watching the
 * folders. `find` and `list` answer from memory.
 *
 * @example
 * ```ts
 * const files = new TemplateFiles(['/plugins/acme/var/templates', '/plugins/acme/templates']);
 * files.find('base.tpl'); // { path: '/plugins/acme/templates/base.tpl', index: 1, stats }
 * ```
 */
export class TemplateFiles {
  /** Files by normalised name: the first folder holding each name wins. */
  private byName = new Map<string, TemplateFile>();
  private names: string[] = [];
  private stale = true;
  /** Whether a folder could not be watched: every look-up then checks the files. */
  private unwatched = false;
  private readonly watchers: FSWatcher[] = [];
  /**
   * The folders watched: a listed folder (`tree`, with its inode, so a folder removed and created again is watched
   * again) or the nearest existing ancestor of a missing search folder.
   */
  private readonly watched = new Map<string, { kind: 'tree' | 'ancestor'; ino: number; watcher: FSWatcher }>();
  private closed = false;
  /** The inode and modification time of each search folder when it was listed (`-` when missing). */
  private stamps: string[] = [];
  /** Whether the search folders were checked in the current synchronous run of look-ups. */
  private checked = false;

  /** @param searchPaths - absolute folders, searched in order. */
  constructor(readonly searchPaths: readonly string[]) {
    orphans.register(this, this.watchers, this);
  }

  /** Whether look-ups are answered from the watched listing (false: each look-up checks the files). */
  get watching(): boolean {
    this.refresh();
    return !this.unwatched;
  }

  /** The file of the normalised template name `name` in the first folder holding it, or `undefined`. */
  find(name: string): TemplateFile | undefined {
    this.refresh();
    if (!this.unwatched) return this.byName.get(name);
    for (let index = 0; index < this.searchPaths.length; index++) {
      const path = join(this.searchPaths[index] as string, name);
      const stats = statOrUndefined(path);
      if (stats?.isFile()) return { path, index, stats };
    }
    return undefined;
  }

  /** The sorted union of the template names in all folders. */
  list(): string[] {
    this.refresh();
    if (this.unwatched) this.scan();
    return [...this.names];
  }

  /** Stops watching the folders (look-ups then check the files each time). */
  close(): void {
    this.closed = true;
    this.unwatched = true;
    for (const watcher of this.watchers.splice(0)) watcher.close();
    this.watched.clear();
    orphans.unregister(this);
  }

  /** Lists the folders again when a change was seen since the last listing. */
  private refresh(): void {
    if (this.closed) return;
    if (!this.stale && !this.checked) {
      this.checked = true;
      queueMicrotask(() => (this.checked = false));
      if (this.searchPaths.some((root, i) => stampOf(root) !== this.stamps[i])) this.stale = true;
    }
    if (!this.stale) return;
    this.stale = false;
    const folders = this.scan();
    this.watchFolders(folders);
  }

  /** Lists every search folder; returns the folders listed. */
  private scan(): string[] {
    const byName = new Map<string, TemplateFile>();
    const folders: string[] = [];
    this.stamps = this.searchPaths.map(stampOf); // before listing: a change meanwhile is seen at the next check
    this.searchPaths.forEach((root, index) => {
      const files = new Map<string, Stats>();
      listFiles(root, files, folders);
      for (const [name, stats] of files) if (!byName.has(name)) byName.set(name, { path: join(root, ...name.split('/')), index, stats });
    });
    this.byName = byName;
    this.names = [...byName.keys()].sort();
    return folders;
  }

  /**
   * Watches every folder listed (each on its own: events then arrive with no extra step, before the completion of
   * the asynchronous call that caused them) and, for a search folder that does not exist, its nearest existing
   * ancestor (so that its creation is seen). Any event marks the listing stale; folders gone are no longer watched.
   */
  private watchFolders(folders: readonly string[]): void {
    const wanted = new Map<string, { kind: 'tree' | 'ancestor'; root: string; ino: number }>();
    for (const folder of folders) wanted.set(folder, { kind: 'tree', root: folder, ino: statOrUndefined(folder)?.ino ?? 0 });
    for (const root of this.searchPaths) {
      if (wanted.has(root)) continue;
      let folder = root;
      do folder = dirname(folder);
      while (dirname(folder) !== folder && !statOrUndefined(folder)?.isDirectory());
      if (!wanted.has(folder)) wanted.set(folder, { kind: 'ancestor', root, ino: statOrUndefined(folder)?.ino ?? 0 });
    }
    for (const [folder, current] of this.watched) {
      const next = wanted.get(folder);
      if (!next || next.kind !== current.kind || next.ino !== current.ino) this.unwatch(folder);
    }
    for (const [folder, { kind, root, ino }] of wanted) {
      if (this.watched.has(folder)) continue;
      if (!this.watch(folder, kind, root, ino)) this.unwatched = true;
    }
  }

  private unwatch(folder: string): void {
    const watched = this.watched.get(folder);
    if (!watched) return;
    watched.watcher.close();
    this.watchers.splice(this.watchers.indexOf(watched.watcher), 1);
    this.watched.delete(folder);
  }

  private watch(folder: string, kind: 'tree' | 'ancestor', root: string, ino: number): boolean {
    const self = new WeakRef(this);
    const next = kind === 'ancestor' ? relative(folder, root).split(sep)[0] : undefined;
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, { persistent: false }, (_event, filename) => {
        const files = self.deref();
        if (!files) return;
        // an ancestor only matters for the folder on the way to the missing search folder
        if (next !== undefined && filename !== null && String(filename) !== next) return;
        files.stale = true;
      });
    } catch {
      return false;
    }
    watcher.on('error', () => {
      const files = self.deref();
      if (!files) return void watcher.close();
      files.unwatch(folder);
      files.stale = true;
    });
    this.watchers.push(watcher);
    this.watched.set(folder, { kind, ino, watcher });
    return true;
  }
}
