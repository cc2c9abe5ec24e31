/**
 * Turns a glob into a test on slash-separated relative paths: `*` and `?` stop at `/`, `**` crosses folders, and a
 * pattern without `/` matches a name at any depth. A leading `/` anchors the pattern at the root.
 *
 * @example
 * ```ts
 * globMatcher('templates/*.tpl')('templates/base.tpl'); // true
 * globMatcher('*.md')('docs/install.md'); // true
 * ```
 */
export function globMatcher(pattern: string): (path: string) => boolean {
  const anchored = pattern.startsWith('/');
  const body = anchored ? pattern.slice(1) : pattern;
  const anyDepth = !anchored && !body.includes('/');
  let re = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '*' && body[i + 1] === '*') {
      // `**/` matches zero or more folders; a trailing `**` matches everything below.
      if (body[i + 2] === '/') {
        re += '(?:[^/]*/)*';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const regex = new RegExp(`^${anyDepth ? '(?:.*/)?' : ''}${re}$`);
  return (path) => regex.test(path);
}
