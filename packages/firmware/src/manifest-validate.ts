/**
 * Checks a {@link FirmwareManifest} whatever its origin (`pkgs.db` or TypeScript): references between packages, files
 * and graphs, install verbs and their arity, graph shape, `$FILEn`/`$ARGn` substitution and path safety.
 */
import { INSTALL_COMMANDS } from './manifest-model';
import type { FirmwareManifest, FirmwarePackage, InstallCommand, InstallStep, ManifestDiagnostic, SourceLocation } from '@provd/sdk';
import { unsafeFileName, unsafeRelativePath } from './paths';
import { substitute } from './subst';
import { parsePackageVersion } from './version';

/** The number of arguments each verb takes: `[min, max]`. */
export const COMMAND_ARITY: Readonly<Record<InstallCommand, readonly [number, number]>> = {
  untar: [1, 1],
  unzip: [1, 1],
  unrar: [1, 1],
  '7z': [1, 1],
  unsign: [2, 2],
  include: [1, Infinity],
  exclude: [1, Infinity],
  cp: [2, Infinity],
  null: [0, 0],
};

const USAGE: Readonly<Record<InstallCommand, string>> = {
  untar: 'untar <glob>',
  unzip: 'unzip <glob>',
  unrar: 'unrar <glob>',
  '7z': '7z <glob>',
  unsign: 'unsign <signed file glob> <output name>',
  include: 'include <pattern>...',
  exclude: 'exclude <pattern>...',
  cp: 'cp <glob>... <destination>',
  null: 'null',
};

/** Tells whether `word` is an install verb. */
export function isInstallCommand(word: string): word is InstallCommand {
  return (INSTALL_COMMANDS as readonly string[]).includes(word);
}

/** The arity problem of a step, if any. */
export function arityProblem(command: InstallCommand, argCount: number): string | undefined {
  const [min, max] = COMMAND_ARITY[command];
  if (argCount >= min && argCount <= max) return undefined;
  return `"${command}" takes ${min === max ? min : `at least ${min}`} argument${max === 1 ? '' : 's'} (${USAGE[command]}), got ${argCount}`;
}

/** An install step with `$FILEn`/`$ARGn` replaced, ready to run. */
export interface ResolvedStep {
  /** Input node. */
  from: string;
  /** Output node. */
  to: string;
  /** Verb. */
  command: InstallCommand;
  /** Arguments after substitution. */
  args: string[];
  /** Where the step was declared. */
  source: SourceLocation;
  /** The step as written, e.g. `a-b: untar $FILE1`, for messages. */
  text: string;
}

/** The text of a step as written in `pkgs.db`. */
export function stepText(step: Pick<InstallStep, 'from' | 'to' | 'command' | 'args'>): string {
  return `${step.from}-${step.to}: ${[step.command, ...step.args].join(' ')}`;
}

/** The variables a package's steps see: `FILE1..n` (cache names) and `ARG1..n`. */
export function packageVariables(manifest: FirmwareManifest, pkg: FirmwarePackage): Record<string, string> {
  const vars: Record<string, string> = {};
  pkg.files.forEach((fileId, i) => {
    const file = manifest.files[fileId];
    if (file) vars[`FILE${i + 1}`] = file.filename;
  });
  (pkg.install?.args ?? []).forEach((arg, i) => {
    vars[`ARG${i + 1}`] = arg;
  });
  return vars;
}

/** The result of {@link resolvePackageSteps}. */
export interface ResolvedPackageSteps {
  /** The steps, ready to run. */
  steps: ResolvedStep[];
  /** Undefined variables and unsafe paths found on the way. */
  problems: ManifestDiagnostic[];
}

/**
 * The steps of a package with variables substituted, plus the problems found (undefined variables, unsafe paths).
 *
 * @example
 * ```ts
 * const { steps, problems } = resolvePackageSteps(manifest, manifest.packages['firmware']!);
 * ```
 */
export function resolvePackageSteps(manifest: FirmwareManifest, pkg: FirmwarePackage): ResolvedPackageSteps {
  const problems: ManifestDiagnostic[] = [];
  const graph = pkg.install ? manifest.graphs[pkg.install.graph] : undefined;
  if (!graph) return { steps: [], problems };
  const vars = packageVariables(manifest, pkg);
  const steps: ResolvedStep[] = [];
  for (const step of graph.steps) {
    const key = `${step.from}-${step.to}`;
    const args: string[] = [];
    for (const arg of step.args) {
      const r = substitute(arg, vars);
      if (!r.ok) {
        problems.push({ severity: 'error', ...pkg.source, section: `pkg_${pkg.id}`, key: 'install', message: `step "${key}" of "[install_${graph.id}]": ${r.message}` });
        args.push(arg);
      } else args.push(r.value);
    }
    for (const p of args) {
      const why = unsafeRelativePath(p.endsWith('/') ? p.slice(0, -1) || p : p);
      if (why) problems.push({ severity: 'error', ...step.source, section: `install_${graph.id}`, key, message: `${JSON.stringify(p)} (for package "${pkg.id}") is not a safe relative path: ${why}` });
    }
    steps.push({ from: step.from, to: step.to, command: step.command, args, source: step.source, text: stepText({ ...step, args }) });
  }
  return { steps, problems };
}

function graphProblems(manifest: FirmwareManifest): ManifestDiagnostic[] {
  const out: ManifestDiagnostic[] = [];
  for (const graph of Object.values(manifest.graphs)) {
    const section = `install_${graph.id}`;
    const produced = new Map<string, InstallStep>();
    for (const step of graph.steps) {
      const key = `${step.from}-${step.to}`;
      const at = { severity: 'error' as const, ...step.source, section, key };
      if (step.to === 'a') out.push({ ...at, message: `node "a" is the package's downloaded files and cannot be produced by a step; rename the target node` });
      else if (produced.has(step.to)) out.push({ ...at, message: `node "${step.to}" is produced twice; each node has exactly one input` });
      else produced.set(step.to, step);
      const arity = arityProblem(step.command, step.args.length);
      if (arity) out.push({ ...at, message: arity });
    }
    for (const step of graph.steps) {
      if (step.from !== 'a' && !produced.has(step.from)) {
        out.push({ severity: 'error', ...step.source, section, key: `${step.from}-${step.to}`, message: `step reads node "${step.from}", which no step of "[${section}]" produces (known: ${['a', ...produced.keys()].map((n) => `"${n}"`).join(', ')})` });
      }
    }
    if (!graph.steps.some((s) => s.from === 'a')) {
      out.push({ severity: 'error', ...graph.source, section, message: `no step reads node "a" (the downloaded files); start the graph with a step such as "a-b: untar $FILE1"` });
    }
    // Cycle detection: follow each node's single input back; a cycle never reaches "a".
    for (const start of produced.keys()) {
      const seen = new Set<string>();
      let node: string | undefined = start;
      while (node !== undefined && node !== 'a' && !seen.has(node)) {
        seen.add(node);
        node = produced.get(node)?.from;
      }
      if (node !== undefined && node !== 'a' && seen.has(node) && node === start) {
        const step = produced.get(start);
        out.push({ severity: 'error', ...(step?.source ?? graph.source), section, key: step ? `${step.from}-${step.to}` : undefined, message: `node "${start}" is part of a cycle (${[...seen].join(' -> ')} -> ${start}); every node must lead back to "a"` });
      }
    }
  }
  return out;
}

/**
 * Checks a manifest and returns every problem found, each naming its file, section and key. Never throws.
 *
 * @example
 * ```ts
 * const problems = validateManifest(manifest).filter((d) => d.severity === 'error');
 * ```
 */
export function validateManifest(manifest: FirmwareManifest): ManifestDiagnostic[] {
  const out: ManifestDiagnostic[] = [];
  const usedGraphs = new Set<string>();
  for (const pkg of Object.values(manifest.packages)) {
    const section = `pkg_${pkg.id}`;
    const at = { ...pkg.source, section };
    const badId = unsafeFileName(pkg.id);
    if (badId) out.push({ severity: 'error', ...at, message: `package id ${JSON.stringify(pkg.id)} cannot name its installed record: ${badId}` });
    if (pkg.description.trim() === '') out.push({ severity: 'error', ...at, key: 'description', message: 'the description is missing or empty; describe what the package installs' });
    const v = parsePackageVersion(pkg.version);
    if ('error' in v) out.push({ severity: 'warning', ...at, key: 'version', message: `version ${JSON.stringify(pkg.version)} cannot be compared (${v.error}), so upgrades of this package cannot be detected; use a version such as "1.2.3"` });
    for (const fileId of pkg.files) {
      if (!manifest.files[fileId]) out.push({ severity: 'error', ...at, key: 'files', message: `file "${fileId}" is referenced but not defined; add a "[file_${fileId}]" section or fix the id (defined: ${Object.keys(manifest.files).map((f) => `"${f}"`).join(', ') || 'none'})` });
    }
    for (const dep of pkg.depends) {
      if (!manifest.packages[dep]) out.push({ severity: 'warning', ...at, key: 'depends', message: `package "${dep}" is not defined in this manifest; the dependency is ignored` });
    }
    if (!pkg.install) {
      // Accepted, as by the established installer: installing downloads and checks the files, places none, records it.
      out.push({ severity: 'warning', ...at, key: 'install', message: 'the package has no install graph ("install" key): installing it downloads and checks its files but puts no file in place, and records it as installed; add "install: <graph id>" if it should install files' });
    } else if (!manifest.graphs[pkg.install.graph]) {
      out.push({ severity: 'error', ...at, key: 'install', message: `install graph "${pkg.install.graph}" is not defined; add a "[install_${pkg.install.graph}]" section or fix the id (defined: ${Object.keys(manifest.graphs).map((g) => `"${g}"`).join(', ') || 'none'})` });
    } else {
      usedGraphs.add(pkg.install.graph);
      out.push(...resolvePackageSteps(manifest, pkg).problems);
    }
  }
  out.push(...graphProblems(manifest));
  for (const graph of Object.values(manifest.graphs)) {
    if (!usedGraphs.has(graph.id)) out.push({ severity: 'warning', ...graph.source, section: `install_${graph.id}`, message: `install graph "${graph.id}" is used by no package; remove it or reference it from a package's "install" key` });
  }
  const byName = new Map<string, string>();
  for (const file of Object.values(manifest.files)) {
    const other = byName.get(file.filename);
    if (other !== undefined) out.push({ severity: 'error', ...file.source, section: `file_${file.id}`, key: 'filename', message: `cache name "${file.filename}" is also used by "[file_${other}]"; two files cannot share a cache name: set a distinct "filename"` });
    else byName.set(file.filename, file.id);
  }
  return out;
}

/**
 * The error diagnostics that make a package uninstallable: those of its own section, its files, its graph, and
 * file-level problems.
 */
export function packageErrors(manifest: FirmwareManifest, diagnostics: readonly ManifestDiagnostic[], pkgId: string): ManifestDiagnostic[] {
  const pkg = manifest.packages[pkgId];
  const sections = new Set<string>([`pkg_${pkgId}`]);
  for (const f of pkg?.files ?? []) sections.add(`file_${f}`);
  if (pkg?.install) sections.add(`install_${pkg.install.graph}`);
  return diagnostics.filter((d) => d.severity === 'error' && (d.section === undefined || sections.has(d.section)));
}
