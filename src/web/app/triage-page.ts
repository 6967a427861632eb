import { escapeHtml } from '../pages.ts';

/**
 * The parts of the task page for a triage task (replies from an address with no enrollment) and
 * for a referral. Everything from mail or the database goes through `escapeHtml`.
 */

export interface TriageCard {
  sender: string;
  messages: number;
  suggestion: { email: string; note: string; enrollmentId: string | undefined; sameAddress: boolean } | undefined;
  attached: { email: string; enrollmentId: string | undefined; by: string } | undefined;
  dismissed: { reason: string; by: string } | undefined;
}

export interface ReferralCard {
  name: string | undefined;
  email: string | undefined;
  role: string | undefined;
  action: string | undefined;
}

const e = escapeHtml;
const csrfField = (csrf: string) => `<input type="hidden" name="_csrf" value="${e(csrf)}">`;

export function triageNotice(card: TriageCard): string {
  const count = card.messages === 1 ? 'one message' : `${card.messages} messages`;
  return `<p class="notice" id="triage-notice" role="status">Triage: ${e(card.sender)} wrote ${count} from an address with no enrollment. Nothing was changed automatically: attach it to a contact or dismiss it.</p>`;
}

export function triageCard(taskId: string, card: TriageCard, csrf: string): string {
  const action = (name: string) => `/tasks/${e(encodeURIComponent(taskId))}/${name}`;
  const suggestion = card.suggestion
    ? `<p id="triage-suggestion">Suggested contact: <strong>${e(card.suggestion.email)}</strong> <span class="meta">(${e(card.suggestion.note)})</span></p>`
    : '<p class="meta" id="triage-suggestion">No known contact for this address.</p>';
  if (card.attached || card.dismissed) {
    const done = card.attached
      ? `Attached to <strong id="triage-attached">${e(card.attached.email)}</strong>${card.attached.enrollmentId ? ` (enrollment ${e(card.attached.enrollmentId)})` : ''} by ${e(card.attached.by)}.`
      : `Dismissed by ${e(card.dismissed?.by ?? '')}: ${e(card.dismissed?.reason ?? '')}.`;
    return `<div class="card" id="triage"><h2>Triage</h2>${suggestion}<p>${done}</p></div>`;
  }
  // A contact with the sender's own address is the likely one; a referrer is context, and the sender a new contact.
  const same = card.suggestion?.sameAddress ? card.suggestion : undefined;
  const contact = same?.email ?? card.sender;
  return `<div class="card" id="triage"><h2>Triage</h2>${suggestion}
<form method="post" action="${action('attach')}">${csrfField(csrf)}
<label for="triage-contact">Contact address</label><br><input id="triage-contact" name="contact" type="email" value="${e(contact)}" required>
<label for="triage-enrollment">Enrollment (optional)</label> <input id="triage-enrollment" name="enrollmentId" value="${e(same?.enrollmentId ?? '')}">
<button type="submit" id="triage-attach">Attach</button>
</form>
<form class="inline" method="post" action="${action('dismiss')}">${csrfField(csrf)}
<input name="reason" aria-label="Why dismiss" placeholder="why (spam, stray mail)" maxlength="500">
<button type="submit" class="secondary" id="triage-dismiss">Dismiss</button>
</form></div>`;
}

export function referralCard(card: ReferralCard): string {
  const who = card.name ?? card.email ?? '';
  const address = card.email ? ` <a id="referral-email" href="mailto:${e(card.email)}">${e(card.email)}</a>` : '';
  return `<div class="card" id="referral"><h2>Referred to</h2>
<p><strong id="referral-name">${e(who)}</strong>${address}${card.role ? `<br><span id="referral-role">${e(card.role)}</span>` : ''}</p>
${card.action ? `<p class="meta" id="referral-action">${e(card.action)}</p>` : ''}</div>`;
}
