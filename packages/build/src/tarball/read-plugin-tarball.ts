import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { DigestTap, type FileDigest } from './deterministic-tar';

/** What indexing needs from a plugin tarball. */
export interface PluginTarball {
  /** The name of the single top folder: the plugin id. */
  pluginId: string;
  /** The parsed `plugin-info` (a JSON object). */
  pluginInfo: Record<string, unknown>;
  /** Size and digests of the tarball file. */
  digest: FileDigest;
}

const MAX_PLUGIN_INFO = 4 * 1024 * 1024;

/**
 * Reads a plugin tarball as a stream (only `plugin-info` is kept in memory, at most 4 MiB): checks that every entry
 * sits below one top folder (no absolute paths, no `..`), parses `<top>/plugin-info` and measures the file's size
 * and digests. Throws a plain `Error` whose message says what is wrong.
 *
 * @example
 * ```ts
 * const { pluginId, pluginInfo } = await readPluginTarball('dist/repo/digium-2.8.1-1.0.0.tar.gz');
 * ```
 */
export async function readPluginTarball(file: string): Promise<PluginTarball> {
  const tap = new DigestTap();
  const tops = new Set<string>();
  const infos = new Map<string, Buffer>();
  let problem: string | undefined;
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    const name = header.name.replace(/\/+$/, '');
    const parts = name.split('/');
    if (name === '' || name.startsWith('/') || parts.includes('..') || parts.includes('')) {
      problem ??= `unsafe entry name ${JSON.stringify(header.name)}`;
      stream.on('end', () => next());
      stream.resume();
      return;
    }
    tops.add(parts[0] as string);
    if (parts.length === 2 && parts[1] === 'plugin-info' && header.type === 'file') {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: unknown) => {
        const chunk = c as Buffer;
        size += chunk.length;
        if (size <= MAX_PLUGIN_INFO) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (size > MAX_PLUGIN_INFO) problem ??= 'its plugin-info is larger than 4 MiB';
        else infos.set(parts[0] as string, Buffer.concat(chunks));
        next();
      });
    } else {
      stream.on('end', () => next());
      stream.resume();
    }
  });
  try {
    await pipeline(createReadStream(file), tap, createGunzip(), tar);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EACCES') throw err;
    throw new Error(`it is not a readable gzip tar (${(err as Error).message})`);
  }
  if (problem !== undefined) throw new Error(problem);
  if (tops.size !== 1) throw new Error(`it must hold exactly one top folder, found ${tops.size}: ${[...tops].map((t) => JSON.stringify(t)).join(', ')}`);
  const pluginId = [...tops][0] as string;
  const raw = infos.get(pluginId);
  if (!raw) throw new Error(`it has no ${JSON.stringify(`${pluginId}/plugin-info`)} file`);
  let pluginInfo: unknown;
  try {
    pluginInfo = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new Error(`its plugin-info is not JSON (${(err as Error).message})`);
  }
  if (typeof pluginInfo !== 'object' || pluginInfo === null || Array.isArray(pluginInfo)) throw new Error('its plugin-info is not a JSON object');
  return { pluginId, pluginInfo: pluginInfo as Record<string, unknown>, digest: tap.digest() };
}
