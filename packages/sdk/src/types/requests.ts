/** The kinds of requests a device makes and the host identifies (contract §3.1). */
export const RequestType = {
  /** A DHCP lease information (posted to the host's API by the DHCP server). */
  DHCP: 'dhcp',
  /** An HTTP request for a file. */
  HTTP: 'http',
  /** A TFTP read request for a file. */
  TFTP: 'tftp',
} as const;

/** One of the {@link RequestType} values: `"dhcp" | "http" | "tftp"`. */
export type RequestType = (typeof RequestType)[keyof typeof RequestType];

/**
 * A DHCP lease as the host receives it. Option values are strings with one character per byte (latin-1), as the
 * established host passes them, so `options[60]` is the vendor class identifier, e.g. `digium_D40_1_4_0_0_57389`.
 */
export interface DhcpRequest {
  /** Normalised IPv4 address of the lease. */
  ip: string;
  /** Normalised MAC address of the client. */
  mac: string;
  /** DHCP options keyed by option number. */
  options: Readonly<Record<number, string>>;
}

/** An HTTP request for a provisioning file. */
export interface HttpRequest {
  /** The raw request path without the query string, e.g. `/Digium/000fd3054848.cfg`. */
  path: string;
  /** Request headers with lower-case names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The client's IP address (after the host applied its reverse-proxy rules). */
  clientIp: string;
  /** The request method, `GET` when omitted. */
  method?: string;
}

/** A TFTP read request. */
export interface TftpRequest {
  /** The requested file name, as sent (not lower-cased). */
  filename: string;
  /** The transfer mode, lower case (`octet` or `netascii`). */
  mode?: string;
  /** The RFC 2347 options of the request, names lower case. */
  options: Readonly<Record<string, string>>;
  /** The client's address. */
  address: {
    /** The client's IP address. */
    ip: string;
    /** The client's UDP port. */
    port: number;
  };
}

/** Maps each {@link RequestType} to the request object of that type. */
export interface RequestByType {
  /** A DHCP lease. */
  dhcp: DhcpRequest;
  /** An HTTP request. */
  http: HttpRequest;
  /** A TFTP read request. */
  tftp: TftpRequest;
}

/** Any request object. */
export type AnyRequest = RequestByType[RequestType];
