import { defineExtractor, normMac, type DevInfo, type HttpRequest } from '@provd/sdk';
import { DIGIUM_VENDOR } from './models';

/** Every file a Digium phone fetches is under `/Digium/`, because DHCP option 66 ends with `/Digium`. */
const DIGIUM_PREFIX = '/Digium/';
/** The phone's own configuration file, named after its MAC; `000000000000.cfg` is asked for by a phone in setup. */
const CONFIG_FILE = /^\/Digium\/([\da-fA-F]{12})\.cfg$/;
const ZERO_MAC = /^0{12}$/;
const MAX_PATH_LENGTH = 1024;
/** The characters of the file names Digium phones ask for; anything else (`%`, `\`, controls...) is not a phone. */
const PLAIN_PATH = /^[\w.~+/-]*$/;
/** `.` and `..` segments: no phone sends them, an attacker might. */
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/**
 * Reads the vendor from the path of a Digium phone's HTTP request, and the MAC too when the path is the phone's own
 * `/Digium/<mac>.cfg`. Digium phones send no useful User-Agent, so the path is all there is. Paths outside
 * `/Digium/`, or with anything a phone never sends (`..`, `%`, backslashes, huge lengths), give `undefined`.
 *
 * @example
 * ```ts
 * digiumHttpDevInfo({ path: '/Digium/000fd3054848.cfg', headers: {}, clientIp }); // { vendor: 'Digium', mac: '00:0f:d3:05:48:48' }
 * ```
 */
export function digiumHttpDevInfo(request: HttpRequest): DevInfo | undefined {
  const path = request.path;
  if (typeof path !== 'string' || path.length > MAX_PATH_LENGTH || !path.startsWith(DIGIUM_PREFIX)) return undefined;
  if (!PLAIN_PATH.test(path) || DOT_SEGMENT.test(path)) return undefined;
  const hex = CONFIG_FILE.exec(path)?.[1];
  if (hex === undefined || ZERO_MAC.test(hex)) return { vendor: DIGIUM_VENDOR };
  return { vendor: DIGIUM_VENDOR, mac: normMac(hex) };
}

/** The HTTP extractor of the Digium plugins, built on {@link digiumHttpDevInfo}. */
export const digiumHttpExtractor = defineExtractor('http', digiumHttpDevInfo);
