export type { DeviceInfoExtractor } from './device-info-extractor';
