import type { CAC } from 'cac';

const camel = (name: string): string => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** The raw string values of the long options and the positional arguments of `tokens`. */
function rawTokens(tokens: readonly string[], booleans: ReadonlySet<string>): { options: Map<string, string[]>; args: string[] } {
  const options = new Map<string, string[]>();
  const args: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token === '--') break;
    if (!token.startsWith('--')) {
      if (!token.startsWith('-') || token === '-') args.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = camel(token.slice(2, eq < 0 ? undefined : eq));
    let value: string | undefined;
    if (eq >= 0) value = token.slice(eq + 1);
    else if (!booleans.has(name) && i + 1 < tokens.length && !(tokens[i + 1] as string).startsWith('-')) value = tokens[++i];
    if (value !== undefined) options.set(name, [...(options.get(name) ?? []), value]);
  }
  return { options, args };
}

/**
 * Undoes the number coercion of cac's parser (which turns `--mac 001122334455` into the number 1122334455 and
 * `0123` into 123): every option value and positional argument that came out as a number gets its raw text back.
 */
export function keepStrings(cli: CAC): void {
  const command = cli.matchedCommand;
  if (!command) return;
  const booleans = new Set([...cli.globalCommand.options, ...command.options].filter((o) => o.isBoolean).map((o) => camel(o.names[0] ?? '')));
  const { options, args } = rawTokens(cli.rawArgs.slice(2), booleans);
  for (const [name, value] of Object.entries(cli.options)) {
    const raw = options.get(name);
    if (!raw) continue;
    if (typeof value === 'number') cli.options[name] = raw[raw.length - 1];
    else if (Array.isArray(value) && value.some((v) => typeof v === 'number') && raw.length === value.length) cli.options[name] = raw;
  }
  const positional = args.slice(1); // the first one is the command name
  if (positional.length === cli.args.length && cli.args.some((a) => typeof a === 'number')) cli.args = positional;
}
