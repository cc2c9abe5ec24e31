import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProvdError } from '@provd/sdk';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { isSourceChange, startDevLoop, syncPluginFolder, type DevLoop } from '../src/index';

let dir: TestDir | undefined;
let loop: DevLoop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
  await dir?.cleanup();
  dir = undefined;
});

describe('syncPluginFolder', () => {
  it('writes new and changed files, removes those the build dropped, and keeps what the plugin made at run time', async () => {
    dir = await testdir({
      'built/entry.js': 'new entry',
      'built/templates/base.tpl': 'same',
      'built/templates/new.tpl': 'new',
      'built/var/tftpboot/.keep': '',
      'host/entry.js': 'old entry',
      'host/templates/base.tpl': 'same',
      'host/templates/gone.tpl': 'gone',
      'host/var/tftpboot/Acme/000fd3054848.cfg': 'written for a phone',
      'host/var/templates/base.tpl': "an administrator's template",
      'host/var/installed/fw.bin': 'installed firmware',
      'host/var/staging/.000fd3054849.cfg.1a-0badc0de-0.tmp': 'a write in progress',
    });
    const result = await syncPluginFolder(dir.join('built'), dir.join('host'));
    expect(result.written.sort()).toEqual(['entry.js', 'templates/new.tpl']);
    expect(result.removed).toEqual(['templates/gone.tpl']);
    expect(await readFile(dir.join('host', 'entry.js'), 'utf8')).toBe('new entry');
    expect(await readFile(dir.join('host', 'var', 'tftpboot', 'Acme', '000fd3054848.cfg'), 'utf8')).toBe('written for a phone');
    expect(await readFile(dir.join('host', 'var', 'templates', 'base.tpl'), 'utf8')).toBe("an administrator's template");
    expect(await readFile(dir.join('host', 'var', 'installed', 'fw.bin'), 'utf8')).toBe('installed firmware');
    expect(await readdir(dir.join('host', 'var', 'staging'))).toEqual(['.000fd3054849.cfg.1a-0badc0de-0.tmp']);
    expect(await readdir(dir.join('host', 'templates'))).toEqual(['base.tpl', 'new.tpl']);
    expect(await syncPluginFolder(dir.join('built'), dir.join('host'))).toEqual({ written: [], removed: [] });
  });

  it('creates the plugin folder of a plugin the host does not have yet', async () => {
    dir = await testdir({ 'built/plugin-info': '{}' });
    expect((await syncPluginFolder(dir.join('built'), dir.join('plugins', 'x-1'))).written).toEqual(['plugin-info']);
    expect((await readdir(dir.join('plugins', 'x-1', 'var'))).sort()).toEqual(['cache', 'installed', 'staging', 'templates', 'tftpboot']);
  });
});

describe('isSourceChange', () => {
  it.each([
    ['common/templates/base.tpl', true],
    ['v1_0/entry.ts', true],
    ['provd.family.ts', true],
    ['dist/repo/plugins.db', false],
    ['node_modules/x/index.js', false],
    ['.git/index', false],
    ['common/.base.tpl.swp', false],
    ['common/base.tpl~', false],
    ['common/4913', false],
  ])('%s: %s', (rel, expected) => {
    expect(isSourceChange(rel)).toBe(expected);
  });
});

/** Lines and errors the loop reports, with a way to wait for the next line that matches. */
interface Recorder {
  lines: string[];
  errors: ProvdError[];
  push(line: string): void;
  next(pattern: RegExp): Promise<string>;
}

function recorder(): Recorder {
  const lines: string[] = [];
  const errors: ProvdError[] = [];
  const waiting: { pattern: RegExp; resolve: (line: string) => void; from: number }[] = [];
  const check = (): void => {
    for (const w of [...waiting]) {
      const found = lines.slice(w.from).find((l) => w.pattern.test(l));
      if (found) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(found);
      }
    }
  };
  return {
    lines,
    errors,
    next(pattern) {
      return new Promise((resolve) => {
        waiting.push({ pattern, resolve, from: lines.length });
        check();
      });
    },
    push(line: string) {
      lines.push(line);
      check();
    },
  };
}

describe('startDevLoop', () => {
  it('builds into the plugins folder, rebuilds on save, reports a broken template and keeps the last good plugin', async () => {
    dir = await testdir();
    // The minimal example as a family in a folder of its own.
    await cp(join(repoRoot, 'examples', '1.minimal-plugin', 'plugin'), dir.join('family', 'plugin'), { recursive: true });
    await cp(join(repoRoot, 'examples', '1.minimal-plugin', 'provd.family.ts'), dir.join('family', 'provd.family.ts'));
    await mkdir(dir.join('plugins'));
    const seen = recorder();
    loop = await startDevLoop({
      root: dir.join('family'),
      family: 'minimal',
      pluginsDir: dir.join('plugins'),
      log: (line) => seen.push(line),
      onError: (error) => {
        seen.errors.push(error);
        seen.push(`error ${error.code}`);
      },
      debounceMs: 50,
    });
    expect(await loop.ready).toMatchObject({ ok: true, reloaded: ['minimal-1.0'] });
    const template = dir.join('plugins', 'minimal-1.0', 'templates', 'base.tpl');
    expect(await readFile(template, 'utf8')).toContain('# Acme A10 configuration, written by provd');

    const source = dir.join('family', 'plugin', 'templates', 'base.tpl');
    const original = await readFile(source, 'utf8');
    let built = seen.next(/built in .* wrote minimal-1\.0/);
    await writeFile(source, original.replace('written by provd', 'written by provd, edited'));
    await built;
    expect(await readFile(template, 'utf8')).toContain('written by provd, edited');

    const failed = seen.next(/the build failed \(1 problem\); the host keeps the last good plugin/);
    await writeFile(source, `${original}\n{% if %}\n`);
    await failed;
    expect(seen.errors.map((e) => e.code)).toEqual(['PROVD_BUILD_TEMPLATE_INVALID']);
    expect(seen.errors[0]?.message).toContain('plugin/templates/base.tpl');
    expect(await readFile(template, 'utf8')).toContain('written by provd, edited');

    built = seen.next(/built in .* wrote minimal-1\.0/);
    await writeFile(source, original);
    await built;
    expect(await readFile(template, 'utf8')).toBe(original);
  });

  it('reports a host it cannot reach, with the plugin still written into the plugins folder', async () => {
    dir = await testdir();
    await cp(join(repoRoot, 'examples', '1.minimal-plugin', 'plugin'), dir.join('family', 'plugin'), { recursive: true });
    await cp(join(repoRoot, 'examples', '1.minimal-plugin', 'provd.family.ts'), dir.join('family', 'provd.family.ts'));
    const errors: ProvdError[] = [];
    // Port 9 (discard) on loopback: nothing listens there.
    loop = await startDevLoop({ root: dir.join('family'), family: 'minimal', pluginsDir: dir.join('plugins'), reload: { apiUrl: 'http://127.0.0.1:9' }, log: () => {}, onError: (e) => errors.push(e) });
    expect(await loop.ready).toMatchObject({ ok: false, reloaded: [] });
    expect(errors.map((e) => e.code)).toEqual(['PROVD_BUILD_DEV_RELOAD_FAILED']);
    expect(errors[0]?.message).toMatch(/the host at "http:\/\/127\.0\.0\.1:9\/0\.2\/pg_mgr\/reload" did not reload plugin "minimal-1\.0": cannot reach it/);
    expect(await readdir(dir.join('plugins', 'minimal-1.0'))).toContain('entry.js');
  });

  it('refuses a family that does not exist', async () => {
    dir = await testdir();
    await expect(startDevLoop({ root: dir.path, family: 'nope', pluginsDir: dir.join('plugins'), log: () => {}, onError: () => {} })).rejects.toMatchObject({
      code: 'PROVD_BUILD_FAMILY_NOT_FOUND',
      message: expect.stringContaining(`no plugin family is named "nope": looked for "${dir.path}/provd.family.ts", "${dir.path}/packages/*/provd.family.ts"`),
    });
  });
});
