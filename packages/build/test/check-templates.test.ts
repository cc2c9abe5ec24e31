import { testdir } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { checkTemplates } from '../src/checks/check-templates';
import type { LayeredFile } from '../src/layer/layer-sources';

function layered(path: string, origin: string): [string, LayeredFile] {
  return [path, { path, source: '', origin, executable: false }];
}

describe('checkTemplates (provd-build check)', () => {
  it('reports a construct the template engine does not implement, naming the source file, line and construct', async () => {
    const dir = await testdir({
      'templates/base.tpl': '{% for no, line in sip_lines.items() if line %}{{ no }}{% endfor %}\n{{ display.__class__ }}\n',
      'templates/D40.tpl': "{% extends 'base.tpl' %}\n",
    });
    try {
      const files = new Map([layered('templates/base.tpl', 'packages/x/common/templates/base.tpl'), layered('templates/D40.tpl', 'packages/x/v1/templates/D40.tpl')]);
      const errors = await checkTemplates(dir.path, files, { family: 'x', target: 'v1' });
      expect(errors.map((e) => e.code)).toEqual(['PROVD_BUILD_TEMPLATE_INVALID']);
      expect(errors[0]?.message).toBe(
        "family \"x\", target \"v1\": template packages/x/common/templates/base.tpl:2 does not compile: unsupported: the Python attribute __class__",
      );
    } finally {
      await dir.cleanup();
    }
  });

  it('accepts every construct of the template language it implements', async () => {
    const dir = await testdir({
      'templates/base.tpl': [
        '{% set line_no, line = sip_lines.items()|first %}{% set ns = namespace(n=0) %}',
        '{% for k in keys if k != "b" recursive %}{{ loop.cycle("a", "b") }}{% set ns.n = ns.n + 1 %}{% else %}none{% endfor %}',
        '{% macro m(a, b=2) %}{{ caller(a) }}{% endmacro %}{% call(x) m(1) %}{{ x[1:] ~ (x // 2) ** 2 }}{% endcall %}',
        '{% filter upper %}{% include ["missing.tpl", "part.tpl"] ignore missing %}{% endfilter %}{% raw %}{{ x }}{% endraw %}',
        '{% from "part.tpl" import value as v %}{% import "part.tpl" as p %}{% with a = 1 %}{{ a is odd }}{% endwith %}',
        '{% block b scoped %}{{ self }}{% endblock %}',
      ].join('\n'),
      'templates/part.tpl': '{% set value = 1 %}',
    });
    try {
      expect(await checkTemplates(dir.path, new Map(), { family: 'x', target: 'v1' })).toEqual([]);
    } finally {
      await dir.cleanup();
    }
  });
});
