/**
 * The provd plugin SDK: everything a plugin imports to identify, score and configure IP phones.
 *
 * @packageDocumentation
 */
export * from './errors/index';
export * from './types/index';
export * from './schema/index';
export * from './config/index';
export * from './net/index';
export * from './association/index';
export * from './extraction/index';
export * from './plugin/index';
export * from './files/index';
export * from './templates/index';
export * from './template-vars/index';
export * from './sync/index';
export * from './archive/index';
export * from './fetchfw/index';
