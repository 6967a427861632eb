import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { startServerProcess, type ServerProcess } from './child-process.ts';
import { freePort, waitForPort } from './ports.ts';

export const DOVECOT_BINARY = '/usr/sbin/dovecot';
/** Dovecot's local delivery agent: delivers one message the way an MTA hands it over, running Sieve. */
export const DOVECOT_LDA_BINARY = '/usr/lib/dovecot/dovecot-lda';

export interface DovecotOptions {
  /**
   * Port of an SMTP server on 127.0.0.1 that takes what Dovecot itself sends (`submission_host`):
   * Sieve vacation replies and the rejections dovecot-lda sends back. Unset: Dovecot sends nothing.
   */
  smtpSubmissionPort?: number;
  /**
   * Storage quota of the mailbox as a Dovecot size (`quota_rule = *:storage=...`), e.g. `'1K'`.
   * Unset: no quota. A delivery by `deliverWithLda` over quota is rejected with a DSN sent to the
   * envelope sender (`quota_full_tempfail = no`), as a real server that refuses mail would.
   */
  quotaStorage?: string;
  /**
   * A Sieve script (RFC 5228) that runs on every `deliverWithLda` (not on IMAP APPEND), e.g.
   * `require "vacation"; vacation ...;` or `require "reject"; reject "...";`. Unset: no Sieve.
   */
  sieveScript?: string;
}

export interface LdaDelivery {
  /** Envelope sender (`-f`): where rejections and vacation replies go. '' for the null sender. */
  envelopeFrom: string;
  /** Envelope recipient (`-a`); defaults to the mailbox's address. */
  recipient?: string;
}

export interface LdaResult {
  /** dovecot-lda's exit code: 0 delivered (or rejected with a report sent), 75 temporary failure (sysexits.h). */
  exitCode: number | null;
  /** What dovecot-lda printed (its errors go to stderr, not the log file). */
  output: string;
}

export interface EmbeddedMailbox {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly pass: string;
  /** The address mail for this mailbox is sent to. */
  readonly address: string;
  /** Puts a raw RFC 5322 message into INBOX the way a mail server delivers it (IMAP APPEND). */
  deliver(raw: string | Buffer, mailbox?: string): Promise<void>;
  /**
   * Delivers through dovecot-lda, as an MTA does: quota and Sieve apply, and what Dovecot sends
   * back (rejections, vacation replies) goes to `smtpSubmissionPort`. Runs asynchronously, so an
   * SMTP sink in this process can take the mail dovecot-lda sends before it exits.
   */
  deliverWithLda(raw: string | Buffer, delivery: LdaDelivery): Promise<LdaResult>;
  /** Ends every Dovecot process for good and deletes the maildir. Safe after `kill()`. */
  stop(): Promise<void>;
  /**
   * For fault tests: takes the server down but keeps its port, user and mail, so `start()` brings
   * the same mailbox back. Every Dovecot process gets the signal, the imap processes holding
   * sessions too (they outlive a master killed alone). SIGKILL (the default) is a crash: sessions
   * are cut without a word; SIGTERM is an orderly shutdown: sessions end with a BYE.
   */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** After `kill()`: starts Dovecot again on the same port and maildir; resolves once it accepts connections. A no-op while it runs. */
  start(): Promise<void>;
}

/** Milliseconds Dovecot may take to listen, at start and after `start()` (it is ready in ~60 ms). */
const READY_TIMEOUT_MS = 10_000;
/** Milliseconds Dovecot's processes get to exit after SIGTERM before they are killed. */
const STOP_GRACE_MS = 5_000;

/**
 * Starts a throwaway Dovecot IMAP server (Debian's dovecot-imapd) on a free loopback port with a
 * temp maildir and one user. Plain text on loopback only: tests and the demo, never production.
 * Dovecot refuses logins that map to uid 0, so as root the mail runs as `nobody`.
 */
export async function startDovecot(options: DovecotOptions = {}): Promise<EmbeddedMailbox> {
  if (!existsSync(DOVECOT_BINARY)) {
    throw new ParleyError(
      ErrorCodes.EMBEDDED_SERVICE_FAILED,
      `Dovecot is not installed (${DOVECOT_BINARY}). Run \`npm run setup\` (installs dovecot-imapd), or set IMAP_HOST.`,
    );
  }
  if (options.quotaStorage !== undefined && !/^\d+[KMGT]?$/.test(options.quotaStorage)) {
    throw new ParleyError(ErrorCodes.EMBEDDED_SERVICE_FAILED, `Dovecot quota "${options.quotaStorage}" is not a size such as 1K or 10M.`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'parley-dovecot-'));
  const port = await freePort();
  const user = 'rep';
  const pass = randomBytes(12).toString('hex');
  const asRoot = process.getuid?.() === 0;
  const mailUser = asRoot ? 'nobody' : userInfo().username;
  const mailGroup = asRoot ? 'nogroup' : (await stat(dir)).gid.toString();

  for (const sub of ['run', 'state', 'log', `home/${user}`]) await mkdir(join(dir, sub), { recursive: true });
  await writeFile(join(dir, 'passwd'), `${user}:{PLAIN}${pass}::::${dir}/home/${user}\n`);
  await writeFile(join(dir, 'dovecot.conf'), dovecotConfig(dir, port, mailUser, mailGroup, options));
  if (options.sieveScript !== undefined) await installSieveScript(join(dir, 'home', user), options.sieveScript);
  if (asRoot) await chownTree(dir);

  const configFile = join(dir, 'dovecot.conf');
  let server: ServerProcess | undefined;
  const running = () => server !== undefined && server.child.exitCode === null && server.child.signalCode === null;
  const launch = async () => {
    const started = startServerProcess(...asMailUser(asRoot, DOVECOT_BINARY, ['-F', '-c', configFile]));
    server = started;
    try {
      await Promise.race([waitForPort(port, READY_TIMEOUT_MS), started.exited]);
    } catch (error) {
      await killProcessTree(started, 'SIGKILL');
      // After a kill() the port may have been taken meanwhile: the output says so.
      throw new ParleyError(ErrorCodes.EMBEDDED_SERVICE_FAILED, `Dovecot did not start: ${String(error)}\n${started.output()}`, {
        cause: error,
      });
    }
  };
  const kill = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL') => {
    if (server && running()) await killProcessTree(server, signal);
  };
  const stop = async () => {
    await kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await launch();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const mailbox: EmbeddedMailbox = {
    host: '127.0.0.1',
    port,
    user,
    pass,
    address: `${user}@example.test`,
    deliver: (raw, folder = 'INBOX') => appendMessage(mailbox, raw, folder),
    deliverWithLda: (raw, delivery) =>
      runLda(asRoot, ['-c', configFile, '-d', user, '-f', delivery.envelopeFrom, '-a', delivery.recipient ?? `${user}@example.test`], raw),
    stop,
    kill,
    async start() {
      if (!running()) await launch();
    },
  };
  return mailbox;
}

/** As root, Dovecot and its LDA run as nobody: Dovecot refuses mail users that map to uid 0. */
function asMailUser(asRoot: boolean, binary: string, args: string[]): [string, string[]] {
  return asRoot ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', binary, ...args]] : [binary, args];
}

/**
 * Signals the Dovecot master and all its descendants at once. The master is paused first so it
 * forks nothing new while its children are listed (from /proc; Linux only, as Dovecot here is).
 * Killing the master alone leaves the imap processes running, with their sessions open.
 */
async function killProcessTree(server: ServerProcess, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  const master = server.child.pid;
  if (master === undefined || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGSTOP');
  const pids = [...(await descendantsOf(master)), master];
  for (const pid of pids) signalQuietly(pid, signal);
  signalQuietly(master, 'SIGCONT'); // a stopped process acts on SIGTERM only once continued
  const deadline = Date.now() + STOP_GRACE_MS;
  let escalated = signal === 'SIGKILL';
  // The children are no longer ours once the master is gone (no exit event): watch /proc instead.
  while ((await Promise.all(pids.map(isAlive))).some(Boolean)) {
    if (Date.now() > deadline + STOP_GRACE_MS)
      throw new ParleyError(ErrorCodes.EMBEDDED_SERVICE_FAILED, `Dovecot processes ${pids.join(', ')} did not exit after SIGKILL.`);
    if (!escalated && Date.now() > deadline) {
      for (const pid of pids) signalQuietly(pid, 'SIGKILL');
      escalated = true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await server.exited.catch(() => undefined);
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The parent pid and state of a process from /proc/<pid>/stat; undefined once it is gone. */
async function procStat(pid: number | string): Promise<{ ppid: number; state: string } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const [state = '', ppid = ''] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(ppid), state };
  } catch {
    return undefined;
  }
}

/** Alive = exists and is not a zombie (orphans are reparented to a pid 1 that may never reap them). */
async function isAlive(pid: number): Promise<boolean> {
  const found = await procStat(pid);
  return found !== undefined && found.state !== 'Z' && found.state !== 'X';
}

async function descendantsOf(root: number): Promise<number[]> {
  const childrenOf = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const found = await procStat(entry);
    if (found) childrenOf.set(found.ppid, [...(childrenOf.get(found.ppid) ?? []), Number(entry)]);
  }
  const result: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of childrenOf.get(queue.shift() ?? -1) ?? []) {
      result.push(child);
      queue.push(child);
    }
  }
  return result;
}

/** dovecot-lda exits within a second or two; a stuck one (an SMTP peer that never answers) is killed. */
const LDA_TIMEOUT_MS = 30_000;

function runLda(asRoot: boolean, args: string[], raw: string | Buffer): Promise<LdaResult> {
  const [command, commandArgs] = asMailUser(asRoot, DOVECOT_LDA_BINARY, args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), LDA_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new ParleyError(ErrorCodes.EMBEDDED_SERVICE_FAILED, `dovecot-lda could not run: ${String(error)}`, { cause: error }));
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output: Buffer.concat(output).toString('utf8') });
    });
    // dovecot-lda may exit before reading everything (a rejected message): ignore EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(raw);
  });
}

/** Pigeonhole's layout: scripts in ~/sieve/, the active one linked as ~/.dovecot.sieve. */
async function installSieveScript(home: string, script: string): Promise<void> {
  await mkdir(join(home, 'sieve'), { recursive: true });
  await writeFile(join(home, 'sieve', 'parley.sieve'), script);
  await symlink(join('sieve', 'parley.sieve'), join(home, '.dovecot.sieve'));
}

/** Milliseconds one IMAP APPEND (connect, append, logout) may take before it is given up and tried again. */
const APPEND_TIMEOUT_MS = 15_000;

/**
 * An imapflow client (not yet connected) logged in as the throwaway mailbox's user, over plain
 * IMAP on loopback, quiet, with socket errors swallowed (an unhandled one would end the process,
 * STACK-NOTES): what tests and benchmarks use to look into the mailbox.
 */
export function mailboxClient(box: EmbeddedMailbox, options: Partial<ImapFlowOptions> = {}): ImapFlow {
  const client = new ImapFlow({
    host: box.host,
    port: box.port,
    secure: false,
    auth: { user: box.user, pass: box.pass },
    logger: false,
    ...options,
  });
  client.on('error', () => undefined);
  return client;
}

/**
 * IMAP APPEND on a session of its own. A session that stalls (seen once in a few hundred test runs:
 * imapflow waiting on an answer Dovecot never owed) is closed after APPEND_TIMEOUT_MS; the append
 * is tried once more unless the server had confirmed it, and a stall after that is only closed.
 */
async function appendMessage(box: EmbeddedMailbox, raw: string | Buffer, folder: string, attempt = 1): Promise<void> {
  const client = mailboxClient(box);
  let appended = false;
  const session = (async () => {
    await client.connect();
    try {
      await client.append(folder, raw);
      appended = true;
    } finally {
      await client.logout();
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), APPEND_TIMEOUT_MS)));
  try {
    if ((await Promise.race([session, stalled])) !== 'stalled') return;
  } finally {
    clearTimeout(timer);
  }
  session.catch(() => undefined);
  client.close();
  if (appended) return;
  if (attempt >= 2)
    throw new ParleyError(
      ErrorCodes.EMBEDDED_SERVICE_FAILED,
      `IMAP APPEND to the test mailbox stalled twice (${APPEND_TIMEOUT_MS} ms each)`,
    );
  await appendMessage(box, raw, folder, attempt + 1);
}

/** nobody and nogroup on Debian: the config names them, chown needs the numbers. */
const NOBODY_ID = 65534;

async function chownTree(path: string): Promise<void> {
  await chown(path, NOBODY_ID, NOBODY_ID);
  if (!(await stat(path)).isDirectory()) return;
  for (const entry of await readdir(path)) await chownTree(join(path, entry));
}

function dovecotConfig(dir: string, port: number, mailUser: string, mailGroup: string, options: DovecotOptions): string {
  const submissionPort = options.smtpSubmissionPort;
  return `# Generated by Parley for a throwaway test/demo server. Loopback only, plain text.
instance_name = parley-${port}
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/log/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = ${mailUser}
default_internal_group = ${mailGroup}
default_login_user = ${mailUser}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%n ${dir}/passwd
  default_fields = uid=${mailUser} gid=${mailGroup}
}
mail_location = maildir:~/Maildir
mail_fsync = never
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    user = ${mailUser}
  }
  unix_listener stats-writer {
    user = ${mailUser}
  }
}
postmaster_address = postmaster@example.test
hostname = mx.example.test
${submissionPort ? `submission_host = 127.0.0.1:${submissionPort}` : ''}
${options.quotaStorage === undefined ? '' : quotaConfig(options.quotaStorage)}
${options.sieveScript === undefined ? '' : SIEVE_CONFIG}
`;
}

function quotaConfig(storage: string): string {
  // quota_full_tempfail = no: over quota, dovecot-lda rejects with a DSN (Status 5.2.2) instead of
  // asking the MTA to try again later (exit 75).
  return `mail_plugins = $mail_plugins quota
quota_full_tempfail = no
plugin {
  quota = maildir:User quota
  quota_rule = *:storage=${storage}
}`;
}

// vacation-seconds and a zero minimum period let a test get a reply to every message at once
// (RFC 5230 asks for at most one reply per sender a day; Pigeonhole's default is 1 day).
const SIEVE_CONFIG = `protocol lda {
  mail_plugins = $mail_plugins sieve
}
plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
  sieve_vacation_min_period = 0
  sieve_extensions = +vacation-seconds
}`;
