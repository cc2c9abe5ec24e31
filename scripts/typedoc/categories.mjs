// A TypeDoc plugin: puts every exported symbol of the API site in the category of the source folder it comes from,
// so that the site reads by topic (plugin contract, identification, templates, firmware, types, errors) without a
// `@category` tag on each symbol. An explicit `@category` in a comment wins.
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/** Source path patterns (relative to the repository, `/`-separated) and their category, first match wins. */
export const CATEGORIES = [
  [/\/errors(\/|\.ts$)/, 'Errors'],
  [/^packages\/sdk\/src\/(plugin|sync|files)\//, 'Plugin contract'],
  [/^packages\/sdk\/src\/(extraction|association)\//, 'Identification'],
  [/^packages\/core\/src\/(extraction|association)\//, 'Identification'],
  [/^packages\/host\/src\/identification\//, 'Identification'],
  [/^packages\/sdk\/src\/(templates|template-vars)\//, 'Templates'],
  [/^packages\/(sdk\/src\/firmware|firmware\/src)\//, 'Firmware'],
  [/^packages\/sdk\/src\/(types|schema|net)\//, 'Types'],
  [/^packages\/core\/src\/config\//, 'Configs'],
  [/^packages\/core\/src\//, 'Identification'],
  [/^packages\/build\/src\//, 'Build'],
  [/^packages\/testing\/src\//, 'Testing'],
  [/^packages\/create-provd-plugin\/src\//, 'Scaffold'],
  [/^packages\/host\/src\/(plugins|repository)\//, 'Plugin installation'],
  [/^packages\/host\/src\//, 'Host'],
];

/** The category of a source file (absolute path), or `undefined`. */
export function categoryOf(file, root = process.cwd()) {
  const rel = file.startsWith(root) ? file.slice(root.length + 1).split('\\').join('/') : file;
  return CATEGORIES.find(([pattern]) => pattern.test(rel))?.[1];
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      for (const reflection of Object.values(context.project.reflections)) {
        if (!reflection.parent?.kindOf(ReflectionKind.SomeModule | ReflectionKind.Project)) continue;
        if (reflection.kindOf(ReflectionKind.SomeModule)) continue;
        if (reflection.comment?.getTag('@category')) continue;
        const symbol = context.getSymbolFromReflection(reflection);
        const file = symbol?.declarations?.[0]?.getSourceFile().fileName;
        const category = file && categoryOf(file);
        if (!category) continue;
        reflection.comment ??= new Comment();
        reflection.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: category }]));
      }
    },
    100,
  );
}
