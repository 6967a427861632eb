/**
 * The few pages the web server shows, rendered on the server as plain strings. Every value that
 * comes from the database or the request goes through `escapeHtml`; the pages load nothing (no
 * scripts, fonts or images) so the Content-Security-Policy can forbid everything but inline style.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text to HTML text or attribute value (quoted with " or '). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Enough of the address for its owner to recognise it, not enough for someone who was forwarded
 * the link to learn it: `a***@example.com`. The domain stays (it is rarely personal).
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  const local = email.slice(0, at);
  const first = Array.from(local)[0] ?? '';
  return `${first}***${email.slice(at)}`;
}

const STYLE = [
  'body{margin:0;padding:48px 16px;background:#f6f6f4;color:#222;',
  'font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}',
  'main{max-width:28rem;margin:0 auto;background:#fff;border:1px solid #e2e2de;border-radius:8px;padding:24px 28px}',
  'h1{font-size:1.25rem;margin:0 0 12px}p{margin:0 0 16px}',
  'button{font:inherit;padding:8px 18px;border:0;border-radius:6px;background:#222;color:#fff;cursor:pointer}',
].join('');

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * The page behind the link: it asks, and only the button's POST unsubscribes. The form posts the
 * same key/value as an RFC 8058 one-click client back to the page's own URL (no `action`: the
 * token stays in one place, and a path prefix added by a proxy keeps working).
 */
export function confirmPage(email: string): string {
  const masked = escapeHtml(maskEmail(email));
  return page(
    'Unsubscribe',
    `<h1>Unsubscribe ${masked}?</h1>
<p>You will get no more emails from us at ${masked}.</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`,
  );
}

export function unsubscribedPage(email: string | undefined): string {
  const who = email === undefined ? 'This address' : escapeHtml(maskEmail(email));
  return page('Unsubscribed', `<h1>You are unsubscribed</h1>\n<p>${who} will get no more emails from us.</p>`);
}

export function alreadyUnsubscribedPage(email: string): string {
  return page(
    'Unsubscribed',
    `<h1>Already unsubscribed</h1>\n<p>${escapeHtml(maskEmail(email))} gets no more emails from us. Nothing else to do.</p>`,
  );
}

export function notFoundPage(): string {
  return page('Link not valid', '<h1>This link is not valid</h1>\n<p>Check that the whole link was copied from the email.</p>');
}

export function badRequestPage(): string {
  return page('Request not accepted', '<h1>Request not accepted</h1>\n<p>Open the link from the email again.</p>');
}

export function errorPage(): string {
  return page('Something went wrong', '<h1>Something went wrong</h1>\n<p>Please try again in a few minutes.</p>');
}
