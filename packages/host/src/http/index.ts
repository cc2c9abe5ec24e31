export { clientIpResolver, unmapIpv4 } from './client-ip';
export { closeServer, listenServer } from './listen';
export { MAX_URL_LENGTH, parseRequestPath } from './request-path';
export type { RequestPath } from './request-path';
export { parseRange, sendFile } from './send-file';
export { ProvisioningHttpServer } from './server';
export type { HttpRoute, ProvisioningHttpRequest, ProvisioningHttpServerOptions } from './server';
