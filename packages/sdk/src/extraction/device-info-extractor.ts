import type { DevInfo } from '../types/device';
import type { RequestByType, RequestType } from '../types/requests';

/**
 * Learns what it can about a device from one request: vendor, model, version, MAC... An extractor never throws on
 * bad input: it resolves to `undefined` when it recognises nothing.
 */
export interface DeviceInfoExtractor<T extends RequestType = RequestType> {
  /** Extracts device information from `request`, or resolves to `undefined`. */
  extract(request: RequestByType[T], type: T): Promise<DevInfo | undefined>;
}
