export type { DeviceInfoExtractor } from './device-info-extractor';
export { defineExtractor } from './define-extractor';
export type { ExtractFunction } from './define-extractor';
export { guardExtractor } from './guard';
export type { GuardOptions } from './guard';
