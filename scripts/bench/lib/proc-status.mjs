// One field of this process's /proc/self/status (Linux), in MB.
import { readFileSync } from 'node:fs';

/**
 * A `kB` field of /proc/self/status in MB (`VmHWM`: the kernel's high-water mark of the process's resident memory,
 * its threads included; `RssAnon`: its anonymous resident memory), or undefined where there is no /proc.
 */
export function procStatusMb(field) {
  try {
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}
