import { join, resolve } from 'node:path';
import { createProvdError } from '../errors/sdk-errors';
import { ProvdError, isProvdError } from '../errors/provd-error';
import { AtomicWriter } from '../files/atomic-write';
import { createJinjaEnvironment, type JinjaEnvironment } from './jinja-environment';
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
 * Renders a plugin's Jinja2-style templates (nunjucks with Jinja semantics, as the established provd renders them)
 * and writes the results atomically.
 *
 * Templates are looked up in `<pluginDir>/var/templates/` (an administrator's overrides) before
 * `<pluginDir>/templates/` (the plugin's own), for direct loads and for `extends`/`include` alike, so a custom
 * `base.tpl` also becomes the parent of every shipped template that extends `base.tpl`. A template dropped into
 * the custom folder takes effect on the next render. Names with `..` are refused.
 *
 * Semantics follow Jinja2 3.1 with its defaults (recorded vectors in `test/fixtures/templates/jinja-vectors.json`):
 * no autoescape, no `trim_blocks`/`lstrip_blocks`; one trailing newline of each template file is dropped and line
 * breaks become `\n`; `-%}`/`{%-`/`{#-` trim whitespace; `extends`, `include`, `block`, `super()`, `macro`, `set`
 * (lasting one iteration inside a loop), `if`/`elif`/`else`, `for` (one variable over a dict gives its keys;
 * `loop.index`, `index0`, `first`, `last`, `length`, `revindex`, `previtem`, `nextitem`), `range()`; Python truthiness
 * (empty lists and dicts are false) and `and`/`or` returning an operand; `==` without coercion (`'1' == 1` is false);
 * `in`; `+` concatenating lists; `%` and `|format` printf-style formatting; `~`; tuples `(a, b)`; negative indexes;
 * the methods `items() values() keys() get()` on dicts and `zfill() format() upper() lower() strip() lstrip()
 * rstrip() startswith() endswith() split() replace() join()` on strings; the filters `d`/`default`, `e`/`escape`
 * (Jinja's entities), `int`, `format`, `string`, `dictsort`, `sort` (Python ordering), `first` and the other nunjucks
 * built-ins (`join`, `length`, `list`, `lower`, `upper`, `replace`...); the tests `defined`, `none` and nunjucks'.
 * Booleans print as `True`/`False`, lists and dicts in Python notation.
 *
 * Deliberate differences from Jinja2: a missing value prints as empty and so does `null` (Jinja prints `None`); `null`
 * counts as missing for `|d` (so `port|d(5060)` gives `5060` for a `null` port); an attribute of a missing value is
 * missing too instead of raising. Not supported (used by no provd plugin): slices `x[1:]`, `namespace()`, loop
 * filters `for x in l if c`. Numbers print as JavaScript does (`4 / 2` gives `2`, Jinja `2.0`), and a dict's
 * integer-like keys (`"1"`, `"10"`) come first in numeric order, as JavaScript orders object keys.
 *
 * With `escape: 'xml'` (per helper or per render) every printed value is escaped (`& < > " '` become `&amp; &lt;
 * &gt; &#34; &#39;`) while the template's own text is not; `|safe` opts a value out, `|e` never escapes twice.
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
    this.env = createJinjaEnvironment(this.loader);
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
    const escape = options.escape ?? this.escape;
    const runtime = this.env.provd;
    const saved = runtime.escape;
    runtime.escape = escape === 'xml' ? escapeXml : undefined;
    try {
      // A name is looked up once, by the environment; the template is found again only to explain a failure.
      const compiled = this.env.getTemplate(typeof template === 'string' ? template : template.name, true);
      return compiled.render(context as Record<string, unknown>);
    } catch (err) {
      if (typeof template !== 'string') throw this.renderError(template, err);
      const found = isProvdError(err) ? undefined : this.findTemplate(template);
      throw found ? this.renderError(found, err) : isProvdError(err) ? err : this.notFound(template);
    } finally {
      runtime.escape = saved;
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
    const raw = err instanceof Error ? err.message : String(err);
    const reason = raw
      .replace(/^Template render error:\s*/, '')
      .replace(/^\(([^)]*)\)/, (_m, path: string) => `(${this.loaderDisplay(path)})`)
      .replace(/\s*\n\s*/g, ' ')
      .trim();
    return createProvdError('PROVD_TEMPLATE_RENDER_FAILED', { file: this.loaderDisplay(ref.path), reason }, { cause: err });
  }

  private loaderDisplay(path: string): string {
    return path.startsWith('/') ? this.loader.display(path) : path;
  }
}
