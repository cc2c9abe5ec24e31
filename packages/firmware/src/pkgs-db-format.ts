/**
 * Writes a {@link FirmwareManifest} in the established `pkgs.db` format, so that packages declared in TypeScript ship in
 * a built plugin as `pkgs/pkgs.db` and any host reads them.
 */
import type { FirmwareManifest } from '@provd/sdk';

function section(name: string, entries: Array<[string, string | undefined]>): string {
  const lines = [`[${name}]`];
  for (const [k, v] of entries) if (v !== undefined) lines.push(`${k}: ${v}`.trimEnd());
  return lines.join('\n');
}

/**
 * Formats a manifest as `pkgs.db` text (packages, then graphs, then files; ids in declaration order).
 *
 * @example
 * ```ts
 * await writeFile(join(outDir, 'pkgs', 'pkgs.db'), formatPkgsDb(manifestFromDeclaration(packages).manifest));
 * ```
 */
export function formatPkgsDb(manifest: FirmwareManifest): string {
  const parts: string[] = [];
  for (const p of Object.values(manifest.packages)) {
    parts.push(
      section(`pkg_${p.id}`, [
        ['description', p.description],
        ...Object.entries(p.descriptions).map(([locale, text]): [string, string] => [`description_${locale}`, text]),
        ['version', p.version],
        ['files', p.files.join(' ')],
        ['install', p.install ? [p.install.graph, ...p.install.args].join(' ') : undefined],
        ['depends', p.depends.length > 0 ? p.depends.join(' ') : undefined],
        ...Object.entries(p.extra),
      ]),
    );
  }
  for (const g of Object.values(manifest.graphs)) {
    parts.push(section(`install_${g.id}`, g.steps.map((s): [string, string] => [`${s.from}-${s.to}`, [s.command, ...s.args].join(' ')])));
  }
  for (const f of Object.values(manifest.files)) {
    parts.push(
      section(`file_${f.id}`, [
        ['url', f.url ?? ''],
        ['filename', f.filename],
        ['size', String(f.size)],
        ['sha1sum', f.sha1],
        ['sha256sum', f.sha256],
        ['downloader', f.downloader === 'default' ? undefined : f.downloader],
      ]),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
