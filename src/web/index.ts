/** The public web server: unsubscribe page and RFC 8058 one-click endpoint, health check. */
export type { RepAppOptions } from './app/index.ts';
export { buildWebServer, startWebServer, type WebServerOptions } from './server.ts';
export { unsubscribeUrl } from '../optout/index.ts';
