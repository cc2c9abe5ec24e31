import { readlink } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { installPlugin } from '../../src/plugins/install-plugin';
import { pluginTarball, snapshot, writeRepo } from '../helpers-plugins';
import { hostileCase } from './harness';

const t = hostileCase(); // acme-1 is installed: the sibling a hostile package aims at

describe('a plugin tarball whose symbolic links point out of its own folder', () => {
  it('is refused (PROVD_ARCHIVE_LINK_ESCAPE) when a link reaches a sibling plugin, and nothing changes', async () => {
    const evil = await pluginTarball('acme-2', {}, [{ name: 'acme-2/var/templates/base.tpl', type: 'symlink', linkname: '../../../acme-1/var/tftpboot/Acme' }]);
    await writeRepo(t.dir.join('repo'), [{ id: 'acme-2', tarball: evil }]);
    const before = await snapshot(t.dir.join('plugins'));
    const err = await installPlugin('acme-2', { repo: t.dir.join('repo'), pluginsDir: t.dir.join('plugins') }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('PROVD_ARCHIVE_LINK_ESCAPE');
    expect((err as Error).message).toContain('acme-2/var/templates/base.tpl');
    expect(await snapshot(t.dir.join('plugins'))).toEqual(before);
  });

  it('still installs a package whose links stay inside its own folder', async () => {
    const fine = await pluginTarball('acme-2', {}, [{ name: 'acme-2/var/templates/base.tpl', type: 'symlink', linkname: '../../templates/base.tpl' }]);
    await writeRepo(t.dir.join('repo'), [{ id: 'acme-2', tarball: fine }]);
    await installPlugin('acme-2', { repo: t.dir.join('repo'), pluginsDir: t.dir.join('plugins') });
    expect(await readlink(t.dir.join('plugins', 'acme-2', 'var', 'templates', 'base.tpl'))).toBe('../../templates/base.tpl');
  });
});
