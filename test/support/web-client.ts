import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { MailTransport } from '../../src/sending/index.ts';

export const REP_PASSWORD = 'correct horse battery staple';

/** For rep-app tests that send no mail: any send fails the test. */
export const noTransport: MailTransport = {
  send: async () => {
    throw new Error('no mail in this test');
  },
  verify: async () => undefined,
  close: () => undefined,
};
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A browser's cookie jar, enough for inject(); `ip` is the address the server sees the client at. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly app: FastifyInstance,
    private readonly ip = '127.0.0.1',
  ) {}
  get header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async request(
    method: 'GET' | 'POST',
    url: string,
    options: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { cookie: this.header, ...options.headers };
    let payload: string | undefined;
    if (options.form) {
      Object.assign(headers, FORM);
      payload = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(options.json);
    }
    const response = await this.app.inject({ method, url, headers, remoteAddress: this.ip, ...(payload !== undefined && { payload }) });
    for (const c of response.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return response;
  }
  /** The CSRF token of a page (the meta tag every page carries). */
  async csrf(url = '/login'): Promise<string> {
    const page = await this.request('GET', url);
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1];
    assert.ok(token, `no CSRF token on ${url}`);
    return token;
  }
  async login(email: string, password = REP_PASSWORD, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const token = await this.csrf();
    return this.request('POST', '/login', { form: { email, password, _csrf: token }, headers });
  }
}
