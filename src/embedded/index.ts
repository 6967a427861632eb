/** Real servers started on loopback for tests and the demo: FerretDB, Dovecot, an SMTP sink. */
export { startFerretDB, FERRETDB_BINARY, type EmbeddedDatabase } from './ferretdb.ts';
export {
  startDovecot,
  mailboxClient,
  DOVECOT_BINARY,
  DOVECOT_LDA_BINARY,
  type EmbeddedMailbox,
  type DovecotOptions,
  type LdaDelivery,
  type LdaResult,
} from './dovecot.ts';
export { startSmtpSink, type SmtpSink, type HoldStage, type ReceivedMail } from './smtp-sink.ts';
export { freePort, waitForPort } from './ports.ts';
export { embeddedServerSettings } from './settings.ts';
export { startEmbeddedServers, type EmbeddedServers } from './servers.ts';
