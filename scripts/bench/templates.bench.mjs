// Template rendering: the Digium plugin's templates (each phone's `<mac>.cfg` through its model template, which
// extends base.tpl and includes firmware.tpl, plus `contacts.tpl`) for 5,000 phones, rendered by provd's engine
// (TemplateHelper, compiled once, as the plugin renders them) against real Jinja2 (Debian's python3-jinja2, one
// process, templates loaded once, only rendering timed) in the same run, with and without escaping (provd's XML
// escaping against Jinja2's autoescape). Both must render the same bytes. Goal: provd at least as fast as Jinja2
// (ratio >= 1.0). Best of three rounds on each side.
//
// PROVD_BENCH_OLD_SDK=<path of another build's packages/sdk/dist/index.js> also measures that SDK's engine (e.g.
// the nunjucks-based one before it was replaced), as a third column.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { digiumPhones, fleetRawConfig } from './lib/digium-fleet.mjs';
import { exec } from './lib/exec.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PHONES = 5000;
const ROUNDS = 3;
const PYTHON = process.env.PROVD_JINJA_PYTHON ?? '/usr/bin/python3';

/** The template variables the Digium plugin passes (packages/plugin-digium/common/digium-plugin.ts). */
function contextOf(phone) {
  const byNumber = (d) => Object.entries(d).map(([k, v]) => [Number(k), v]).sort((a, b) => a[0] - b[0]);
  const sipLines = byNumber(fleetRawConfig.sip_lines);
  return {
    ...fleetRawConfig,
    XX_server_url: `http://${fleetRawConfig.ip}:${fleetRawConfig.http_port}`,
    XX_mac: phone.mac.replace(/:/g, ''),
    XX_sip_lines: sipLines,
    XX_funckeys: byNumber(fleetRawConfig.funckeys),
    XX_main_proxy_ip: sipLines[0][1].proxy_ip,
  };
}

async function provdRender(sdkPath, pluginDir, items, escape) {
  const { TemplateHelper } = await import(pathToFileURL(sdkPath).href);
  const helper = new TemplateHelper(pluginDir, { escape });
  const refs = items.map(([name, ctx]) => [helper.getTemplate(name), ctx]);
  let best = Infinity;
  let outputs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    outputs = refs.map(([ref, ctx]) => helper.render(ref, ctx));
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return { seconds: best, outputs };
}

function jinjaRender(pluginDir, items, autoescape) {
  const input = JSON.stringify({ dir: join(pluginDir, 'templates'), items, rounds: ROUNDS, autoescape });
  const run = spawnSync(PYTHON, [join(root, 'scripts/bench/lib/render_jinja.py')], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`${PYTHON} render_jinja.py: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

export default async function bench() {
  await exec(process.execPath, [join(root, 'scripts/ensure-built.mjs')], { cwd: root });
  const dir = await mkdtemp(join(tmpdir(), 'provd-bench-templates-'));
  try {
    // The plugin's layered templates: common/ then the firmware version's folder.
    const pluginDir = join(dir, 'digium-2.8.1');
    await cp(join(root, 'packages/plugin-digium/common/templates'), join(pluginDir, 'templates'), { recursive: true });
    await cp(join(root, 'packages/plugin-digium/v2_8_1/templates'), join(pluginDir, 'templates'), { recursive: true });
    const items = [];
    for (const phone of digiumPhones(PHONES)) {
      const ctx = contextOf(phone);
      items.push([`${phone.model}.tpl`, ctx], ['contacts.tpl', ctx]);
    }
    const sdk = join(root, 'packages/sdk/dist/index.js');
    const old = process.env.PROVD_BENCH_OLD_SDK;
    let ok = true;
    for (const [label, escape, autoescape] of [['no escaping', 'none', false], ['escaped (XML / autoescape)', 'xml', true]]) {
      const jinja = jinjaRender(pluginDir, items, autoescape);
      const provd = await provdRender(sdk, pluginDir, items, escape);
      const same = jinja.outputs.every((text, i) => text === provd.outputs[i]);
      const rate = (s) => `${Math.round(items.length / s).toLocaleString('en')} files/s`;
      let line = `${label}: provd ${rate(provd.seconds)}, Jinja2 ${jinja.version} ${rate(jinja.seconds)}, ratio ${(jinja.seconds / provd.seconds).toFixed(2)}x`;
      if (old) {
        const before = await provdRender(old, pluginDir, items, escape);
        line += `; older SDK ${rate(before.seconds)} (provd is ${(before.seconds / provd.seconds).toFixed(2)}x it)`;
      }
      console.log(`${line}; same bytes as Jinja2: ${same ? 'yes' : 'NO'}`);
      if (!same || provd.seconds > jinja.seconds) ok = false;
    }
    console.log(`${items.length.toLocaleString('en')} files per round (${PHONES.toLocaleString('en')} phones x 2), best of ${ROUNDS} rounds`);
    return ok;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
