/**
 * The error codes of the build tool (`@provd/build`).
 * Every code here has a section in `docs/errors.md` under `@provd/build` (a test checks it).
 */
import { defineErrors, type CodeOf, type ErrorFactory } from '@provd/sdk';

const q = (value: unknown): string => JSON.stringify(String(value));

/** The error catalog of `@provd/build`: its codes and their definitions. */
export const buildErrors = defineErrors('@provd/build', {
  // ── build tool ───────────────────────────────────────────────────────────────────────────────────────────────────
  PROVD_BUILD_FAMILY_LOAD_FAILED: {
    message: (a: { file: string; reason: string }) => ({
      message: `cannot load the family file ${q(a.file)}: ${a.reason}; it must be a TypeScript module whose default export is defineFamily({...})`,
      file: a.file,
    }),
  },
  PROVD_BUILD_FAMILY_INVALID: {
    message: (a: { file: string; family?: string; errors: readonly string[] }) => ({
      message: `${a.family ? `family ${q(a.family)} (${a.file})` : a.file} is not a valid family definition: ${a.errors.join('; ')}`,
      file: a.file,
    }),
  },
  PROVD_BUILD_FAMILY_DUPLICATE: {
    status: 409,
    message: (a: { family: string; files: readonly string[] }) => ({
      message: `the family name ${q(a.family)} is declared by several files: ${a.files.map(q).join(', ')}; give each family its own name`,
      file: a.files[0],
    }),
  },
  PROVD_BUILD_FAMILY_NOT_FOUND: {
    status: 404,
    message: (a: { family: string; known: readonly string[]; root: string; searched: readonly string[] }) => {
      const places = a.searched.map((p) => q(`${a.root.replace(/\/+$/, '')}/${p}`));
      const where = places.length > 1 ? `${places.slice(0, -1).join(', ')} and ${places[places.length - 1]}` : (places[0] ?? q(a.root));
      const found =
        a.known.length > 0
          ? `the families found there are ${a.known.map(q).join(', ')}: name one of them (the "name" of a family file, not its folder)`
          : 'no family file was found there';
      return {
        message: `no plugin family is named ${q(a.family)}: looked for ${where}; ${found}, or declare it with defineFamily({ name: ${q(a.family)}, ... }) in one of those places`,
      };
    },
  },
  PROVD_BUILD_PLUGIN_ID_DUPLICATE: {
    status: 409,
    message: (a: { plugin: string; targets: readonly string[] }) => ({
      message: `the plugin id ${q(a.plugin)} is built by several targets: ${a.targets.map(q).join(', ')}; give each target its own pluginId`,
      plugin: a.plugin,
    }),
  },
  PROVD_BUILD_SOURCE_MISSING: {
    message: (a: { family: string; target: string; dir: string }) => ({
      message: `family ${q(a.family)}, target ${q(a.target)}: the source folder ${q(a.dir)} does not exist; create it or fix "sources"`,
      file: a.dir,
      key: 'sources',
    }),
  },
  PROVD_BUILD_ENTRY_MISSING: {
    message: (a: { family: string; target: string; sources: readonly string[] }) => ({
      message: `family ${q(a.family)}, target ${q(a.target)}: none of the source folders ${a.sources.map(q).join(', ')} holds an "entry.ts"; add one whose default export is the plugin class`,
      key: 'sources',
    }),
  },
  PROVD_BUILD_BUNDLE_FAILED: {
    message: (a: { family: string; target: string; file: string; line?: number; reason: string }) => ({
      message: `family ${q(a.family)}, target ${q(a.target)}: cannot bundle the entry: ${a.file}${a.line !== undefined ? `:${a.line}` : ''}: ${a.reason}`,
      file: a.file,
    }),
  },
  PROVD_BUILD_ENTRY_NO_DEFAULT: {
    message: (a: { family: string; target: string; file: string }) => ({
      message: `family ${q(a.family)}, target ${q(a.target)}: ${a.file} has no default export; export the plugin class with "export default class ... extends BasePlugin"`,
      file: a.file,
    }),
  },
  PROVD_BUILD_PLUGIN_INFO_MISSING: {
    message: (a: { family: string; target: string; sources: readonly string[] }) => ({
      message: `family ${q(a.family)}, target ${q(a.target)}: no "plugin-info" file in the source folders ${a.sources.map(q).join(', ')} and no "pluginInfo" in its declaration; add one of them`,
      file: 'plugin-info',
    }),
  },
  PROVD_BUILD_PLUGIN_INFO_TWICE: {
    message: (a: { family: string; target: string; familyFile: string; file: string }) => ({
      message: `family ${q(a.family)}, target ${q(a.target)}: the plugin-info is declared twice, by "pluginInfo" in ${a.familyFile} and by the file ${a.file}; remove one of them`,
      file: a.file,
      key: 'pluginInfo',
    }),
  },
  PROVD_BUILD_PLUGIN_INFO_INVALID: {
    message: (a: { family: string; target: string; file: string; errors: readonly string[] }) => ({
      message: `family ${q(a.family)}, target ${q(a.target)}: ${a.file} is not a valid plugin-info: ${a.errors.join('; ')}`,
      file: a.file,
    }),
  },
  PROVD_BUILD_SDK_RANGE: {
    message: (a: { family: string; target: string; file: string; range: string; sdkVersion: string }) => ({
      message: `family ${q(a.family)}, target ${q(a.target)}: ${a.file}: "sdk" is ${q(a.range)}, which ${a.range.trim() === '' ? 'is empty' : 'is not a semver range that accepts'} the @provd/sdk version ${q(a.sdkVersion)}; use a range such as "^${a.sdkVersion}" or remove the key to get that default`,
      file: a.file,
      key: 'sdk',
    }),
  },
  PROVD_BUILD_TEMPLATE_INVALID: {
    message: (a: { family: string; target: string; file: string; line?: number; reason: string }) => ({
      message: `family ${q(a.family)}, target ${q(a.target)}: template ${a.file}${a.line !== undefined ? `:${a.line}` : ''} does not compile: ${a.reason}`,
      file: a.file,
    }),
  },
  PROVD_BUILD_FIRMWARE_INVALID: {
    message: (a: { family: string; target: string; file: string; errors: readonly string[] }) => ({
      message: `family ${q(a.family)}, target ${q(a.target)}: the firmware manifest ${a.file} is invalid: ${a.errors.join('; ')}`,
      file: a.file,
    }),
  },
  PROVD_BUILD_DHCP_INVALID: {
    message: (a: { family: string; file: string; errors: readonly string[] }) => ({
      message: `family ${q(a.family)} (${a.file}): invalid "dhcp" declaration: ${a.errors.join('; ')}`,
      file: a.file,
      key: 'dhcp',
    }),
  },
  PROVD_BUILD_TARBALL_INVALID: {
    message: (a: { file: string; reason: string }) => ({
      message: `${q(a.file)} is not a plugin tarball: ${a.reason}; rebuild it with build-plugins or remove it from the folder`,
      file: a.file,
    }),
  },
  PROVD_BUILD_SIGN_KEY_INVALID: {
    message: (a: { file: string; reason: string }) => ({
      message: `cannot sign with the key file ${q(a.file)}: ${a.reason}; give a PEM Ed25519 private key (e.g. from "provd-build keygen")`,
      file: a.file,
    }),
  },
  PROVD_BUILD_REPO_UNREADABLE: {
    message: (a: { dir: string; reason: string }) => ({
      message: `cannot read the plugin repository folder ${q(a.dir)}: ${a.reason}; give a folder made by "provd-build build" (holding the tarballs and plugins.db)`,
      file: a.dir,
    }),
  },
  PROVD_BUILD_WRITE_FAILED: {
    message: (a: { file: string; reason: string }) => ({
      message: `cannot write ${q(a.file)}: ${a.reason}; check the path and the permissions of its folder`,
      file: a.file,
    }),
  },
  PROVD_BUILD_FAILED: {
    message: (a: { problems: number; out: string }) => ({
      message: `${a.problems} problem${a.problems === 1 ? '' : 's'} found (listed above); nothing was written to ${q(a.out)}`,
    }),
  },

  // ── provd-build dev ──────────────────────────────────────────────────────────────────────────────────────────────
  PROVD_BUILD_DEV_RELOAD_FAILED: {
    status: 502,
    message: (a: { plugin: string; url: string; reason: string }) => ({
      message: `the host at ${q(a.url)} did not reload plugin ${q(a.plugin)}: ${a.reason}; is "provd serve" running with this API address, its plugins folder the one given with --plugins-dir, and PROVD_API_TOKEN a token of it?`,
      plugin: a.plugin,
    }),
  },
  PROVD_BUILD_DEV_FAILED: {
    message: (a: { family: string; reason: string }) => ({
      message: `the dev round of family ${q(a.family)} failed: ${a.reason}; the loop goes on with the next change`,
    }),
  },
});

/** A code of `@provd/build`. */
export type BuildErrorCode = CodeOf<typeof buildErrors>;

/** Builds the `ProvdError` of one of the codes of `@provd/build`. */
export const buildError: ErrorFactory<typeof buildErrors> = buildErrors.create;
