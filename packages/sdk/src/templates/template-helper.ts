import { join, resolve } from 'node:path';
import { createProvdError } from '../errors/sdk-errors';
import { ProvdError, isProvdError } from '../errors/provd-error';
import { AtomicWriter } from '../files/atomic-write';
import { JinjaEnvironment } from './jinja/environment';
import { withoutNulls } from './without-nulls';
import { TemplateLoader } from './template-loader';
import { isValidTemplateName } from './template-name';
import { escapeXml } from './xml-escape';

/** How output values are escaped: `none` (Jinja's default) or `xml` (`& < > " '` become entities). */
export type TemplateEscape = 'none' | 'xml';

/** Options of a {@link TemplateHelper}. */
export interface TemplateHelperOptions {
  /** The escaping of every render of this helper, unless a render says otherwise. @defaultValue "none" */
  escape?: TemplateEscape;
  /** The writer of `dump` and `dumpAll` (e.g. one that does not fsync). @defaultValue a durable (fsync) writer */
  writer?: AtomicWriter;
}

/** Options of one render or dump. */
export interface RenderOptions {
  /** The escaping of this render; the helper's own setting when omitted. */
  escape?: TemplateEscape;
}

/** A template found by a {@link TemplateHelper}: its name and the file that will be rendered. */
export interface TemplateRef {
  /** The template name relative to the template folders, e.g. `D40.tpl`. */
  readonly name: string;
  /** The absolute path of the file found. */
  readonly path: string;
  /** Whether it comes from the custom folder `var/templates/` (an administrator's override). */
  readonly custom: boolean;
}

/** One file of {@link TemplateHelper.dumpAll}: the template, its context and the file to write. */
export interface DumpItem extends RenderOptions {
  /** The template, found or by name. */
  template: TemplateRef | string;
  /** The template variables (usually the raw config with the plugin's `XX_*` keys). */
  context: object;
  /** The path of the file to write. */
  file: string;
}

/** The fields of a device that choose its template. */
export interface TemplateDevice {
  /** The device model; `<model>.tpl` is tried when it is set. */
  model?: string | null;
}

/**
 * Renders a plugin's Jinja2 templates (provd's own Jinja2 3.1 engine, checked against real Jinja2 by a differential
 * test) and writes the results atomically.
 *
 * Templates are looked up in `<pluginDir>/var/templates/` (an administrator's overrides) before
 * `<pluginDir>/templates/` (the plugin's own), for direct loads and for `extends`/`include`/`import` alike, so a
 * custom `base.tpl` also becomes the parent of every shipped template that extends `base.tpl`. A template dropped
 * into the custom folder takes effect on the next render. Names with `..` are refused. Each file is compiled once to
 * JavaScript functions and reused while it is unchanged.
 *
 * The environment is Jinja2's default one, as the established provd uses it: no autoescape, no
 * `trim_blocks`/`lstrip_blocks`, one trailing newline of each file dropped, lenient undefined values (`{{ missing }}`
 * prints nothing, `{{ missing.attr }}` is an error). The whole template language is implemented (statements, loop
 * filters, `loop.*`, macros and `call`, `extends`/`super()`, `include`, `import`, every expression form, every
 * built-in filter and test, Python's printing of values such as `None`, `True`, `2.0`, `(1, 2)` and `{'a': 1}`);
 * what is not (`\N{...}` escapes, attributes such as `__class__`) is a compile error
 * (`PROVD_TEMPLATE_SYNTAX`) naming the template, line and construct. `docs/3.templates.md` lists it all.
 *
 * A key of the context whose value is `null` counts as absent (it prints as nothing and `|d` replaces it), as
 * provd's configs treat `null` as "not set"; inside lists `null` stays `None`.
 *
 * With `escape: 'xml'` (per helper or per render) every printed value is escaped (Jinja2's autoescape, with
 * {@link escapeXml}) while the template's own text is not; `|safe` opts a value out, `|e` never escapes twice.
 *
 * @example
 * ```ts
 * const templates = new TemplateHelper(pluginDir, { escape: 'xml' });
 * const template = templates.getDeviceTemplate('000fd3054848.cfg', device);
 * await templates.dump(template, rawConfig, join(tftpbootDir, 'Digium', '000fd3054848.cfg'));
 * ```
 */
export class TemplateHelper {
  /** The folder of the plugin's own templates, relative to the plugin folder. */
  static readonly DEFAULT_DIR = 'templates';
  /** The folder of an administrator's templates, relative to the plugin folder; searched first. */
  static readonly CUSTOM_DIR = 'var/templates';

  /** The absolute plugin folder. */
  readonly pluginDir: string;
  /** The absolute folder of custom templates (`var/templates/`). */
  readonly customDir: string;
  /** The absolute folder of the plugin's templates (`templates/`). */
  readonly defaultDir: string;
  /** The escaping of renders that do not choose one. */
  readonly escape: TemplateEscape;

  private readonly loader: TemplateLoader;
  private readonly env: JinjaEnvironment;
  private readonly writer: AtomicWriter;

  /** Creates the helper of the plugin in `pluginDir`. */
  constructor(pluginDir: string, options: TemplateHelperOptions = {}) {
    this.pluginDir = resolve(pluginDir);
    this.customDir = join(this.pluginDir, TemplateHelper.CUSTOM_DIR);
    this.defaultDir = join(this.pluginDir, TemplateHelper.DEFAULT_DIR);
    this.escape = options.escape ?? 'none';
    this.loader = new TemplateLoader([this.customDir, this.defaultDir], this.pluginDir);
    this.env = new JinjaEnvironment((name) => this.loader.load(name));
    this.writer = options.writer ?? new AtomicWriter();
  }

  /**
   * Finds the template `name`, or returns `undefined` when neither folder has it. Throws
   * `PROVD_TEMPLATE_INVALID_NAME` for a name with `..` or an absolute name.
   */
  findTemplate(name: string): TemplateRef | undefined {
    const found = this.loader.find(name);
    return found && { name: found.name, path: found.path, custom: found.index === 0 };
  }

  /**
   * Finds the template `name`; throws `PROVD_TEMPLATE_NOT_FOUND` when neither folder has it.
   *
   * @example
   * ```ts
   * const contacts = templates.getTemplate('contact.tpl');
   * ```
   */
  getTemplate(name: string): TemplateRef {
    const found = this.findTemplate(name);
    if (!found) throw this.notFound(name);
    return found;
  }

  /**
   * Chooses the template of a device: the first that exists of `<filename>.tpl` (a per-device override, when
   * `filename` is given), `<model>.tpl` (when the device has a model) and `base.tpl`, each looked up in
   * `var/templates/` then `templates/`. Candidates that are not valid names (e.g. a model containing `/`) are
   * skipped. Throws `PROVD_TEMPLATE_NOT_FOUND` for `base.tpl` when none exists.
   *
   * @example
   * ```ts
   * const template = templates.getDeviceTemplate(`${mac}.cfg`, device); // 000fd3054848.cfg.tpl, D40.tpl, base.tpl
   * ```
   */
  getDeviceTemplate(filename: string | null | undefined, device: TemplateDevice): TemplateRef {
    const candidates: string[] = [];
    if (filename) candidates.push(`${filename}.tpl`);
    if (typeof device.model === 'string' && device.model !== '') candidates.push(`${device.model}.tpl`);
    candidates.push('base.tpl');
    for (const name of candidates) {
      if (!isValidTemplateName(name)) continue;
      const found = this.findTemplate(name);
      if (found) return found;
    }
    throw this.notFound('base.tpl');
  }

  /** The sorted names of every template in either folder. */
  listTemplates(): string[] {
    return this.loader.list();
  }

  /**
   * Renders a template with `context` and returns the text. Throws `PROVD_TEMPLATE_NOT_FOUND`,
   * `PROVD_TEMPLATE_SYNTAX`, `PROVD_TEMPLATE_NOT_UTF8` or `PROVD_TEMPLATE_RENDER_FAILED` (naming the template).
   *
   * @example
   * ```ts
   * const text = templates.render('base.tpl', { ...rawConfig, XX_mac: mac }, { escape: 'xml' });
   * ```
   */
  render(template: TemplateRef | string, context: object, options: RenderOptions = {}): string {
    const escape = (options.escape ?? this.escape) === 'xml' ? escapeXml : undefined;
    const ref = typeof template === 'string' ? this.findTemplate(template) : template;
    if (!ref) throw this.notFound(template as string);
    const compiled = this.loader.compileFound(ref.path, ref.name);
    try {
      return this.env.render(compiled, withoutNulls(context), escape);
    } catch (err) {
      throw this.renderError(ref, err);
    }
  }

  /**
   * Renders a template and writes the result to `file` (UTF-8) atomically: temporary file in the same folder,
   * fsync (unless the helper's writer does not), rename. On any error nothing is left behind and the old file stays
   * as it was.
   *
   * @example
   * ```ts
   * await templates.dump(templates.getDeviceTemplate(filename, device), rawConfig, path);
   * ```
   */
  async dump(template: TemplateRef | string, context: object, file: string, options: RenderOptions = {}): Promise<void> {
    await this.dumpAll([{ template, context, file, ...options }]);
  }

  /**
   * Renders several templates, then writes every file all-or-nothing (see {@link AtomicWriter.writeFiles}): a render
   * error writes nothing, and a write error leaves every file as it was.
   *
   * @example
   * ```ts
   * await templates.dumpAll([
   *   { template: templates.getDeviceTemplate(`${mac}.cfg`, device), context: rawConfig, file: cfgPath },
   *   { template: 'contact.tpl', context: rawConfig, file: contactsPath },
   * ]);
   * ```
   */
  async dumpAll(items: readonly DumpItem[]): Promise<void> {
    const files = items.map((item) => ({ path: item.file, data: this.render(item.template, item.context, item) }));
    await this.writer.writeFiles(files);
  }

  private notFound(name: string): ProvdError {
    return createProvdError('PROVD_TEMPLATE_NOT_FOUND', {
      name,
      dirs: [TemplateHelper.CUSTOM_DIR, TemplateHelper.DEFAULT_DIR],
      pluginDir: this.pluginDir,
    });
  }

  private renderError(ref: TemplateRef, err: unknown): ProvdError {
    for (let e: unknown = err; e instanceof Error; e = e.cause) if (isProvdError(e)) return e;
    const e = err as { message?: string; templateName?: string; templateLine?: number };
    const where = e.templateName !== undefined ? `${e.templateName === ref.name ? '' : `${e.templateName}, `}line ${e.templateLine ?? '?'}: ` : '';
    const reason = `${where}${String(e.message ?? err)}`.replace(/\s*\n\s*/g, ' ').trim();
    return createProvdError('PROVD_TEMPLATE_RENDER_FAILED', { file: this.loaderDisplay(ref.path), reason }, { cause: err });
  }

  private loaderDisplay(path: string): string {
    return path.startsWith('/') ? this.loader.display(path) : path;
  }
}
