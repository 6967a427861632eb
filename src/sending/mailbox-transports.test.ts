import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Config } from '../config.ts';
import type { MailboxSettings } from '../mailboxes/index.ts';
import { createMailTransports } from './mailbox-transports.ts';
import type { MailTransport, OutboundMessage } from './transport.ts';

const smtp = (host: string): Config['smtp'] => ({
  host,
  port: 587,
  secure: false,
  requireTLS: true,
  auth: undefined,
  timeoutMs: 1000,
  poolConnections: 1,
});
const mailbox = (address: string, host: string): MailboxSettings => ({
  address,
  name: undefined,
  smtp: smtp(host),
  imap: undefined,
  caps: undefined,
});
const message = (from: string): OutboundMessage => ({
  from: { name: 'X', address: from },
  to: 'lead@x.test',
  subject: 's',
  text: 't',
  messageId: '<m@x>',
  references: [],
});

describe('createMailTransports', () => {
  it("sends through the From mailbox's own server, and through SMTP_* for any other address", async () => {
    const used: string[] = [];
    const hints: string[] = [];
    const fake = (settings: Config['smtp'], hint: string): MailTransport => {
      hints.push(hint);
      return {
        send: (m) => {
          used.push(`${settings.host}:${m.from.address}`);
          return Promise.resolve({ response: '250 ok' });
        },
        verify: () => (settings.host === 'broken' ? Promise.reject(new Error('no')) : Promise.resolve()),
        close: () => used.push(`closed ${settings.host}`),
      };
    };
    const transports = createMailTransports(smtp('env'), [mailbox('dana@a.test', 'a'), mailbox('eli@b.test', 'b')], fake);
    await transports.send(message('Dana@A.test'));
    await transports.send(message('eli@b.test'));
    await transports.send(message('solo@c.test'));
    assert.deepEqual(used, ['a:Dana@A.test', 'b:eli@b.test', 'env:solo@c.test']);
    // A refused login pauses its own mailbox only; the SMTP_* login is ''.
    assert.equal(transports.loginOf?.('DANA@a.test'), 'dana@a.test');
    assert.equal(transports.loginOf?.('solo@c.test'), '');
    assert.ok(hints.some((h) => h.includes('dana@a.test in MAILBOXES_FILE')));
    await transports.verify();
    transports.close();
    assert.deepEqual(used.slice(3).sort(), ['closed a', 'closed b', 'closed env']);

    const broken = createMailTransports(smtp('env'), [mailbox('dana@a.test', 'broken')], fake);
    await assert.rejects(broken.verify());
    // Without a pool: one login, no routing.
    assert.equal(createMailTransports(smtp('env'), [], fake).loginOf, undefined);
  });
});
