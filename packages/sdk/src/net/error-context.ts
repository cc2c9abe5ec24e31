/** Where a value being normalised comes from, so that an error can point at it. */
export interface ValueContext {
  /** The key or JSON path of the value, e.g. `mac` or `sip_lines.1.proxy_ip`. */
  key?: string;
  /** The device the value belongs to: its id, or its MAC when it has no id yet. */
  device?: string;
}
