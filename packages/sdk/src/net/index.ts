export type { ValueContext } from './error-context';
export { formatMac, isNormedMac, normMac } from './mac';
export type { FormatMacOptions } from './mac';
export { ipv4Address, isNormedIp, normIp } from './ip';
export { isNormedUuid, normUuid } from './uuid';
export { clientIpFromForwardedFor } from './forwarded-for';
