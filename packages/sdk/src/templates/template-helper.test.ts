import { cp, mkdir, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProvdError } from '../errors/provd-error';
import { TemplateHelper } from './template-helper';

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'templates');

let dir: TestDir;
let helper: TemplateHelper;

beforeEach(async () => {
  dir = await testdir();
  await cp(join(fixtures, 'lookup'), dir.path, { recursive: true });
  helper = new TemplateHelper(dir.path);
});
afterEach(() => dir.cleanup());

function rel(path: string): string {
  return path.slice(dir.path.length + 1);
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('TemplateHelper lookup (contract §11.10)', () => {
  it('picks <file>.tpl, then <model>.tpl, then base.tpl', () => {
    expect(rel(helper.getDeviceTemplate('001122334455.cfg', { model: 'T46G' }).path)).toBe('templates/T46G.tpl');
    expect(rel(helper.getDeviceTemplate(null, { model: 'X' }).path)).toBe('templates/base.tpl');
    expect(rel(helper.getDeviceTemplate('', {}).path)).toBe('templates/base.tpl');
    expect(rel(helper.getDeviceTemplate(undefined, { model: null }).path)).toBe('templates/base.tpl');
  });

  it('renders a model template through its parent and include', () => {
    const out = helper.render(helper.getDeviceTemplate('x.cfg', { model: 'T46G' }), { model: 'T46G', XX_value: 'v' });
    expect(out).toBe('<base model="T46G">\nT46G specific\ncommon v\n</base>');
  });

  it('lets a newly dropped custom base.tpl win at once, also as the parent of shipped templates', async () => {
    expect(helper.render('T46G.tpl', {})).toContain('<base');
    await writeFile(dir.join('var/templates/base.tpl'), 'CUSTOM[{% block model_specific_parameters %}{% endblock %}]\n');
    const found = helper.getDeviceTemplate('001122334455.cfg', { model: 'X' });
    expect(rel(found.path)).toBe('var/templates/base.tpl');
    expect(found.custom).toBe(true);
    expect(helper.render('T46G.tpl', {})).toBe('CUSTOM[T46G specific]');
  });

  it('lets a custom per-device template win over everything', async () => {
    await writeFile(dir.join('var/templates/001122334455.cfg.tpl'), 'device\n');
    const found = helper.getDeviceTemplate('001122334455.cfg', { model: 'T46G' });
    expect(rel(found.path)).toBe('var/templates/001122334455.cfg.tpl');
    expect(helper.render(found, {})).toBe('device');
  });

  it('picks up an edited template without a restart', async () => {
    expect(helper.render('common.tpl', {})).toBe('common none');
    await writeFile(dir.join('templates/common.tpl'), 'edited {{ XX_value }}\n');
    const later = new Date(Date.now() + 5000);
    await utimes(dir.join('templates/common.tpl'), later, later);
    expect(helper.render('common.tpl', { XX_value: 1 })).toBe('edited 1');
  });

  it('falls back to the shipped template when the custom one is removed', async () => {
    await writeFile(dir.join('var/templates/common.tpl'), 'custom\n');
    expect(helper.render('common.tpl', {})).toBe('custom');
    await rm(dir.join('var/templates/common.tpl'));
    expect(helper.render('common.tpl', {})).toBe('common none');
  });

  it('throws PROVD_TEMPLATE_NOT_FOUND for base.tpl when no template exists', async () => {
    await rm(dir.join('templates/base.tpl'));
    const err = catchError(() => helper.getDeviceTemplate('a.cfg', { model: 'X' }));
    expect(isProvdError(err, 'PROVD_TEMPLATE_NOT_FOUND')).toBe(true);
    expect((err as Error).message).toContain('"base.tpl"');
    expect(helper.findTemplate('base.tpl')).toBeUndefined();
  });

  it('refuses names with ".." or absolute names', () => {
    for (const name of ['../templates/common.tpl', '/etc/passwd', 'a/../../x', 'a\\b']) {
      expect(isProvdError(catchError(() => helper.getTemplate(name)), 'PROVD_TEMPLATE_INVALID_NAME')).toBe(true);
    }
    expect(helper.getTemplate('./common.tpl').name).toBe('common.tpl');
  });

  it('skips device-template candidates that are not valid names', () => {
    expect(rel(helper.getDeviceTemplate('x.cfg', { model: '../../etc/passwd' }).path)).toBe('templates/base.tpl');
  });

  it('refuses include of a name with ".." while rendering', async () => {
    await writeFile(dir.join('templates/evil.tpl'), "{% include '../plugin-info' %}");
    const err = catchError(() => helper.render('evil.tpl', {}));
    expect(isProvdError(err, 'PROVD_TEMPLATE_INVALID_NAME')).toBe(true);
  });

  it('lists the union of template names, sorted', async () => {
    await writeFile(dir.join('var/templates/base.tpl'), 'x');
    await mkdir(dir.join('templates/common'));
    await writeFile(dir.join('templates/common/model.cfg.tpl'), 'x');
    expect(helper.listTemplates()).toEqual(['.gitkeep', 'T46G.tpl', 'base.tpl', 'common.tpl', 'common/model.cfg.tpl']);
  });
});

describe('TemplateHelper errors', () => {
  it('reports a syntax error with the file and line', async () => {
    await writeFile(dir.join('templates/bad.tpl'), 'line1\n{% if x %}\nno end\n');
    const err = catchError(() => helper.render('bad.tpl', {}));
    expect(isProvdError(err, 'PROVD_TEMPLATE_SYNTAX')).toBe(true);
    expect((err as Error).message).toContain('templates/bad.tpl');
  });

  it('reports a syntax error of a parent template as such', async () => {
    await writeFile(dir.join('var/templates/base.tpl'), '{% block x %}\n{{ }\n');
    const err = catchError(() => helper.render('T46G.tpl', {}));
    expect(isProvdError(err, 'PROVD_TEMPLATE_SYNTAX')).toBe(true);
    expect((err as { file?: string }).file).toBe('var/templates/base.tpl');
  });

  it('refuses a template that is not UTF-8', async () => {
    await writeFile(dir.join('templates/latin1.tpl'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect(isProvdError(catchError(() => helper.render('latin1.tpl', {})), 'PROVD_TEMPLATE_NOT_UTF8')).toBe(true);
  });

  it('reports a render error naming the template and line', async () => {
    await writeFile(dir.join('templates/call.tpl'), 'a\n{% for k, v in sip_lines.items() %}{% endfor %}\n');
    const err = catchError(() => helper.render('call.tpl', {}));
    expect(isProvdError(err, 'PROVD_TEMPLATE_RENDER_FAILED')).toBe(true);
    expect((err as Error).message).toContain('templates/call.tpl');
    expect((err as Error).message).toMatch(/line 2: .*undefined/);
  });

  it('reports an unknown filter as a syntax error, as Jinja2 does', async () => {
    await writeFile(dir.join('templates/f.tpl'), '{{ a|nosuch }}');
    const err = catchError(() => helper.render('f.tpl', { a: 1 }));
    expect(isProvdError(err, 'PROVD_TEMPLATE_SYNTAX')).toBe(true);
    expect((err as Error).message).toContain("No filter named 'nosuch'");
  });
});

describe('TemplateHelper.dump (atomic)', () => {
  it('writes UTF-8 bytes', async () => {
    await writeFile(dir.join('templates/e.tpl'), 'é{{ v }}');
    const out = dir.join('var/tftpboot/out.cfg');
    await helper.dump('e.tpl', { v: '€' }, out);
    expect([...(await readFile(out))]).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac]);
  });

  it('leaves no temporary file and the old file intact on a render error', async () => {
    await mkdir(dir.join('var/tftpboot'), { recursive: true });
    const out = dir.join('var/tftpboot/out.cfg');
    await writeFile(out, 'old');
    await writeFile(dir.join('templates/boom.tpl'), 'x{{ missing.items() }}');
    await expect(helper.dump('boom.tpl', {}, out)).rejects.toMatchObject({ code: 'PROVD_TEMPLATE_RENDER_FAILED' });
    expect(await readFile(out, 'utf8')).toBe('old');
    expect(await readdir(dir.join('var/tftpboot'))).toEqual(['out.cfg']);
  });

  it('leaves no temporary file and the old file intact on a write error', async () => {
    await mkdir(dir.join('var/tftpboot/out.cfg'), { recursive: true });
    await expect(helper.dump('common.tpl', {}, dir.join('var/tftpboot/out.cfg'))).rejects.toMatchObject({ code: 'PROVD_FILE_WRITE_FAILED' });
    expect(await readdir(dir.join('var/tftpboot'))).toEqual(['out.cfg']);
  });

  it('escapes per helper and per render', async () => {
    await writeFile(dir.join('templates/x.tpl'), '<a v="{{ v }}"/>\n');
    const xml = new TemplateHelper(dir.path, { escape: 'xml' });
    expect(xml.render('x.tpl', { v: '"&' })).toBe('<a v="&#34;&amp;"/>');
    expect(xml.render('x.tpl', { v: '"&' }, { escape: 'none' })).toBe('<a v=""&"/>');
    expect(helper.render('x.tpl', { v: '"&' }, { escape: 'xml' })).toBe('<a v="&#34;&amp;"/>');
    const out = dir.join('var/tftpboot/x.xml');
    await xml.dump('x.tpl', { v: '<' }, out);
    expect(await readFile(out, 'utf8')).toBe('<a v="&lt;"/>');
  });

  it('dumpAll writes every file or none', async () => {
    const a = dir.join('var/tftpboot/a.cfg');
    const b = dir.join('var/tftpboot/b.cfg');
    await helper.dumpAll([
      { template: 'common.tpl', context: { XX_value: 'A' }, file: a },
      { template: 'common.tpl', context: { XX_value: 'B' }, file: b },
    ]);
    expect(await readFile(a, 'utf8')).toBe('common A');
    expect(await readFile(b, 'utf8')).toBe('common B');
    await writeFile(dir.join('templates/boom.tpl'), '{{ x.items() }}');
    await expect(
      helper.dumpAll([
        { template: 'common.tpl', context: { XX_value: 'A2' }, file: a },
        { template: 'boom.tpl', context: {}, file: b },
      ]),
    ).rejects.toMatchObject({ code: 'PROVD_TEMPLATE_RENDER_FAILED' });
    expect(await readFile(a, 'utf8')).toBe('common A');
    expect((await readdir(dir.join('var/tftpboot'))).sort()).toEqual(['a.cfg', 'b.cfg']);
  });
});
