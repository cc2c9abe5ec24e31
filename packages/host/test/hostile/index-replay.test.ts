import { generateKeyPairSync, sign } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { signIndex } from '@provd/build';
import { pluginTarball, writeRepo } from '../helpers-plugins';
import { hostileCase, pluginOperation } from './harness';

const keys = generateKeyPairSync('ed25519');

const t = hostileCase({ plugin: false });

/** Publishes acme-1 `version` in the repository, signed (by the build tool's signer) with `sequence`. */
async function publish(version: string, sequence: number): Promise<void> {
  const index = await writeRepo(t.dir.join('repo'), [{ id: 'acme-1', tarball: await pluginTarball('acme-1', { info: { version } }), version }]);
  await writeFile(t.dir.join('repo', 'plugins.db.sig'), signIndex(index, keys.privateKey, sequence));
  await copyFile(t.dir.join('repo', 'plugins.db'), t.dir.join(`plugins.db.${version}`));
  await copyFile(t.dir.join('repo', 'plugins.db.sig'), t.dir.join(`plugins.db.sig.${version}`));
}

describe('a validly signed but older plugins.db, replayed', () => {
  it('is refused with PROVD_REPO_INDEX_REPLAYED and the installed plugin is not downgraded', async () => {
    await publish('1.0.0', 1000);
    const old = { db: await readFile(t.dir.join('repo', 'plugins.db')), sig: await readFile(t.dir.join('repo', 'plugins.db.sig')), tarball: await readFile(t.dir.join('repo', 'acme-1-1.0.0.tar.gz')) };
    await publish('2.0.0', 2000);
    const h = await t.start({ repo: t.dir.join('repo'), trustedKeys: [keys.publicKey] });
    const port = h.host.ports.api;
    const up = await pluginOperation(port, 'install', 'acme-1');
    expect(up.status, h.log.join('\n')).toBe('install|success');
    expect(JSON.parse(await readFile(t.dir.join('plugins', 'acme-1', 'plugin-info'), 'utf8')).version).toBe('2.0.0');

    // the attacker (or a stale mirror) serves the old index, its valid signature and the old tarball
    await writeFile(t.dir.join('repo', 'plugins.db'), old.db);
    await writeFile(t.dir.join('repo', 'plugins.db.sig'), old.sig);
    await writeFile(t.dir.join('repo', 'acme-1-1.0.0.tar.gz'), old.tarball);
    const replayed = (err: unknown) => (err as { code?: string }).code;
    expect(await h.host.app.installPlugin('acme-1').then(() => 'installed', replayed)).toBe('PROVD_REPO_INDEX_REPLAYED');
    expect((await pluginOperation(port, 'upgrade', 'acme-1')).status).toBe('upgrade|fail');
    expect(h.log.some((l) => l.includes('older than one this host already accepted (sequence 1000 < 2000)'))).toBe(true);
    // a signature of the old format (no sequence) counts as sequence 0: refused too
    await writeFile(t.dir.join('repo', 'plugins.db.sig'), `${sign(null, old.db, keys.privateKey).toString('base64')}\n`);
    expect(await h.host.app.installPlugin('acme-1').then(() => 'installed', replayed)).toBe('PROVD_REPO_INDEX_REPLAYED');
    expect(JSON.parse(await readFile(t.dir.join('plugins', 'acme-1', 'plugin-info'), 'utf8')).version).toBe('2.0.0');

    // and after a restart too (the highest sequence is kept on disk)
    const again = await t.start({ repo: t.dir.join('repo'), trustedKeys: [keys.publicKey] });
    expect(await again.host.app.installPlugin('acme-1').then(() => 'installed', replayed)).toBe('PROVD_REPO_INDEX_REPLAYED');
    // a newer signing of the same index is accepted again
    await writeFile(t.dir.join('repo', 'plugins.db.sig'), signIndex(old.db, keys.privateKey, 3000));
    expect((await pluginOperation(again.host.ports.api, 'upgrade', 'acme-1')).status).toBe('upgrade|success');
    expect(JSON.parse(await readFile(t.dir.join('plugins', 'acme-1', 'plugin-info'), 'utf8')).version).toBe('1.0.0');
  }, 60_000);
});
