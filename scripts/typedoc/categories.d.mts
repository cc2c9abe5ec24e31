/** Source path patterns and their category of the API site, first match wins. */
export declare const CATEGORIES: ReadonlyArray<readonly [RegExp, string]>;
/** The category of a source file (absolute path under `root`), or `undefined`. */
export declare function categoryOf(file: string, root?: string): string | undefined;
/** Registers the plugin with a TypeDoc application. */
export declare function load(app: unknown): void;
