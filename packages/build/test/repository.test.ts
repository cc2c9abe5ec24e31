import { createHash, createPublicKey, verify } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import type { TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { buildRepository, CHECKSUM_FILE, generateSigningKeys, reindexRepository, writeOfflineBundle, type BuildReporter } from '../src/index';
import { copyFixture, snapshot } from './helpers';

let dirs: TestDir[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => d.cleanup()));
  dirs = [];
});

/** Builds the good fixture into `<tmp>/out`. */
async function built(options: { signKey?: string; bundle?: string } = {}): Promise<{ tmp: TestDir; out: string; root: string }> {
  const { dir, root } = await copyFixture('good');
  dirs.push(dir);
  const result = await buildRepository({ root, out: '../out', includeExamples: true, ...options });
  expect(result.errors.map((e) => e.message)).toEqual([]);
  return { tmp: dir, out: dir.join('out'), root };
}

async function keyFiles(tmp: TestDir): Promise<{ privateFile: string; publicPem: string }> {
  const { privateKey, publicKey } = generateSigningKeys();
  await writeFile(tmp.join('key.pem'), privateKey);
  return { privateFile: tmp.join('key.pem'), publicPem: publicKey };
}

function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: unknown) => chunks.push(c as Buffer));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.readEntry();
    });
  });
}

describe('signing plugins.db', () => {
  it('writes plugins.db.sig, the base64 Ed25519 signature of plugins.db bound to a growing sequence', async () => {
    const { dir, root } = await copyFixture('good');
    dirs.push(dir);
    const { privateFile, publicPem } = await keyFiles(dir);
    await buildRepository({ root, out: '../out', signKey: privateFile });
    const db = await readFile(dir.join('out', 'plugins.db'));
    const sigText = await readFile(dir.join('out', 'plugins.db.sig'), 'utf8');
    const m = /^([A-Za-z0-9+/]{86}==)\nsequence (\d+)\n$/.exec(sigText);
    expect(m, sigText).not.toBeNull();
    const signature = Buffer.from(m![1]!, 'base64');
    expect(signature).toHaveLength(64);
    const signed = (bytes: Buffer, seq: string) => Buffer.concat([Buffer.from(`provd plugins.db\nsequence ${seq}\n`), bytes]);
    expect(verify(null, signed(db, m![2]!), createPublicKey(publicPem), signature)).toBe(true);
    expect(verify(null, signed(db, String(Number(m![2]) + 1)), createPublicKey(publicPem), signature)).toBe(false);
    expect(verify(null, signed(Buffer.concat([db, Buffer.from(' ')]), m![2]!), createPublicKey(publicPem), signature)).toBe(false);
    // signing again gives a higher sequence, even when the clock is behind the old signature
    await buildRepository({ root, out: '../out', signKey: privateFile });
    const again = /^sequence (\d+)$/m.exec(await readFile(dir.join('out', 'plugins.db.sig'), 'utf8'));
    expect(Number(again![1])).toBeGreaterThan(Number(m![2]));
  });

  it('removes a stale signature when building without a key', async () => {
    const { dir, root } = await copyFixture('good');
    dirs.push(dir);
    const { privateFile } = await keyFiles(dir);
    await buildRepository({ root, out: '../out', signKey: privateFile });
    await buildRepository({ root, out: '../out' });
    expect(await readdir(dir.join('out'))).not.toContain('plugins.db.sig');
  });

  it('refuses a key that is not an Ed25519 private key, writing nothing', async () => {
    const { dir, root } = await copyFixture('good');
    dirs.push(dir);
    await writeFile(dir.join('key.pem'), generateSigningKeys().publicKey);
    const result = await buildRepository({ root, out: '../out', signKey: dir.join('key.pem') });
    expect(result.errors.map((e) => e.code)).toEqual(['PROVD_BUILD_SIGN_KEY_INVALID']);
    expect(await readdir(dir.path)).toEqual(['key.pem', 'repo']);
  });
});

describe('re-indexing a channel folder', () => {
  it('indexes the tarballs of a folder, keeping the highest version of each plugin by semver', async () => {
    const { tmp, out } = await built();
    const stable = tmp.join('stable');
    await mkdir(stable);
    for (const name of ['acme-1.0-1.0.0.tar.gz', 'tiny-1-1.2.10.tar.gz']) await copyFile(`${out}/${name}`, `${stable}/${name}`);
    // An older copy of tiny-1 under another name: the index must keep 1.2.10 although "1.2.9" > "1.2.10" as text.
    const { root } = await copyFixture('good').then((c) => (dirs.push(c.dir), c));
    const info = `${root}/examples/tiny/src/plugin-info`;
    await writeFile(info, (await readFile(info, 'utf8')).replace('1.2.10', '1.2.9'));
    await buildRepository({ root, out: `${stable}`, families: ['tiny'] });
    const warnings: string[] = [];
    const reporter: BuildReporter = { progress: () => undefined, warn: (m) => warnings.push(m) };
    const result = await reindexRepository({ dir: stable, pretty: true, reporter });
    expect(result).toMatchObject({ ok: true, plugins: ['acme-1.0', 'tiny-1'] });
    const db = JSON.parse(await readFile(`${stable}/plugins.db`, 'utf8')) as Record<string, { filename: string; sha256: string }>;
    expect(db['tiny-1']?.filename).toBe('tiny-1-1.2.10.tar.gz');
    expect(db['acme-1.0']?.sha256).toBe(createHash('sha256').update(await readFile(`${stable}/acme-1.0-1.0.0.tar.gz`)).digest('hex'));
    expect(warnings.join('\n')).toContain('"tiny-1-1.2.9.tar.gz" (version "1.2.9") and "tiny-1-1.2.10.tar.gz" (version "1.2.10")');
  });

  it('refuses a folder holding a tarball that is not a plugin, leaving it as it was', async () => {
    const { tmp, out } = await built();
    await writeFile(`${out}/junk-1.0.tar.gz`, 'not a tarball');
    const before = await snapshot(out);
    const result = await reindexRepository({ dir: out });
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => e.code)).toEqual(['PROVD_BUILD_TARBALL_INVALID']);
    expect(result.errors[0]?.message).toContain('junk-1.0.tar.gz');
    expect(await snapshot(out)).toEqual(before);
    void tmp;
  });

  it('makes a build into a folder holding a broken tarball fail before writing', async () => {
    const { tmp, out, root } = await built();
    await writeFile(`${out}/junk-1.0.tar.gz`, 'not a tarball');
    const before = await snapshot(out);
    const result = await buildRepository({ root, out: '../out' });
    expect(result.errors.map((e) => e.code)).toEqual(['PROVD_BUILD_TARBALL_INVALID']);
    expect(await snapshot(out)).toEqual(before);
    void tmp;
  });
});

describe('offline bundle', () => {
  it('holds plugins.db, its signature, the indexed tarballs, the DHCP files and their SHA-256 list', async () => {
    const { dir, root } = await copyFixture('good');
    dirs.push(dir);
    const { privateFile } = await keyFiles(dir);
    await buildRepository({ root, out: '../out', includeExamples: true, signKey: privateFile, bundle: '../bundle.zip' });
    const files = await unzip(dir.join('bundle.zip'));
    expect([...files.keys()]).toEqual([
      'acme-1.0-1.0.0.tar.gz',
      'acme-2.0-2.0.0.tar.gz',
      'dhcp/isc-dhcpd.conf',
      'dhcp/kea-dhcp4-classes.json',
      'plugins.db',
      'plugins.db.sig',
      'tiny-1-1.2.10.tar.gz',
      CHECKSUM_FILE,
    ]);
    const sums = (files.get(CHECKSUM_FILE)?.toString('utf8') ?? '').trim().split('\n');
    expect(sums).toHaveLength(7);
    for (const line of sums) {
      const [sum, name] = line.split('  ') as [string, string];
      expect(createHash('sha256').update(files.get(name) ?? Buffer.alloc(0)).digest('hex')).toBe(sum);
      expect(files.get(name)?.equals(await readFile(dir.join('out', name)))).toBe(true);
    }
  });

  it('gives the same bytes for the same repository', async () => {
    const { tmp, out } = await built();
    await writeOfflineBundle(out, tmp.join('a.zip'));
    await writeOfflineBundle(out, tmp.join('b.zip'));
    expect((await readFile(tmp.join('a.zip'))).equals(await readFile(tmp.join('b.zip')))).toBe(true);
  });
});
