import { z } from 'zod';
import { readSettingsFile } from '../settings-file.ts';
import { Locator, parseYamlFile, type Path, type SequenceProblem } from '../sequences/index.ts';
import { WEBHOOK_EVENTS, type WebhookEventType } from './events.ts';

/** One receiver of webhooks, from the webhooks file. */
export interface WebhookEndpoint {
  /** Names the endpoint in deliveries, the admin page and the CLI. */
  readonly id: string;
  readonly url: string;
  readonly events: ReadonlySet<WebhookEventType>;
  /** Secret: never log it. Read from the environment variable the file names, never from the file. */
  readonly secret: string;
}

/** Secrets shorter than this are refused: HMAC keys should carry at least 128 bits (RFC 2104 §3). */
const MIN_SECRET_LENGTH = 32;

const endpointSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _ (up to 40), e.g. crm'),
    url: z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. https://crm.example.com/hooks/parley' }),
    events: z.array(z.enum(WEBHOOK_EVENTS, { error: `one of ${WEBHOOK_EVENTS.join(', ')}` })).min(1, 'name at least one event'),
    secret_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'the name of an environment variable holding the secret, e.g. PARLEY_WEBHOOK_CRM_SECRET'),
  })
  .strict();

const fileSchema = z.object({ endpoints: z.array(endpointSchema) }).strict();

export interface EndpointFileOptions {
  /** The environment the secrets are read from. */
  env: Readonly<Record<string, string | undefined>>;
  /** PARLEY_INSECURE_LOCAL_WEBHOOKS: http:// URLs allowed (a local receiver in development). */
  allowHttp: boolean;
}

export type EndpointsResult = { ok: true; endpoints: WebhookEndpoint[] } | { ok: false; problems: SequenceProblem[] };

/** Validates a webhooks file's text; each problem names the file, line, column and field. Pure. */
export function parseWebhookEndpoints(source: string, file: string, options: EndpointFileOptions): EndpointsResult {
  const where = new Locator(source, file);
  const parsed = parseYamlFile(where, fileSchema, 'endpoints', (raw) => crossFieldProblems(raw, options));
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    endpoints: parsed.value.endpoints.map((e) =>
      Object.freeze({ id: e.id, url: e.url, events: new Set(e.events), secret: options.env[e.secret_env] ?? '' }),
    ),
  };
}

/** Reads and validates the webhooks file at start; CONFIG_INVALID lists every problem by file:line:column (never a secret). */
export function loadWebhookEndpoints(path: string, options: EndpointFileOptions): WebhookEndpoint[] {
  return readSettingsFile(path, { variable: 'WEBHOOKS_FILE', what: 'webhooks file' }, (source) => {
    const result = parseWebhookEndpoints(source, path, options);
    return result.ok ? { ok: true, value: result.endpoints } : result;
  });
}

/** Rules across fields and the environment: unique ids, https, a secret that is set and long enough. */
function crossFieldProblems(raw: unknown, options: EndpointFileOptions): Array<{ path: Path; message: string }> {
  const list =
    typeof raw === 'object' && raw !== null && 'endpoints' in raw && Array.isArray(raw.endpoints) ? (raw.endpoints as unknown[]) : [];
  const problems: Array<{ path: Path; message: string }> = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) return;
    const fields = item as Record<string, unknown>;
    if (typeof fields.id === 'string') {
      if (seen.has(fields.id))
        problems.push({ path: ['endpoints', i, 'id'], message: `'${fields.id}' is used twice; ids name deliveries, keep them unique` });
      seen.add(fields.id);
    }
    if (typeof fields.url === 'string' && fields.url.startsWith('http:') && !options.allowHttp)
      problems.push({
        path: ['endpoints', i, 'url'],
        message: 'must be https:// (the payloads name your leads); PARLEY_INSECURE_LOCAL_WEBHOOKS=true allows http for a local receiver',
      });
    if (typeof fields.secret_env === 'string') {
      const secret = options.env[fields.secret_env];
      // The variable's name only: its value is a secret.
      if (secret === undefined || secret === '')
        problems.push({
          path: ['endpoints', i, 'secret_env'],
          message: `environment variable ${fields.secret_env} is not set; put the signing secret there`,
        });
      else if (secret.length < MIN_SECRET_LENGTH)
        problems.push({
          path: ['endpoints', i, 'secret_env'],
          message: `${fields.secret_env} holds fewer than ${MIN_SECRET_LENGTH} characters; generate one with \`openssl rand -hex 32\``,
        });
    }
  });
  return problems;
}
