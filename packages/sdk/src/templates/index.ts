export { TemplateHelper } from './template-helper';
export type { DumpItem, RenderOptions, TemplateDevice, TemplateEscape, TemplateHelperOptions, TemplateRef } from './template-helper';
export { compileTemplates } from './compile-templates';
export type { CompileTemplatesOptions } from './compile-templates';
export { escapeXml } from './xml-escape';
export { normalizeTemplateName } from './template-name';
