import { templateVariables } from '../../render.ts';
import type { LintRule, RuleFinding } from '../types.ts';

/** Always filled: every contact has an email; Parley itself fills opt_out. */
const ALWAYS = ['email', 'opt_out'];
/** The person who referred a contact enrolled by a referral rule (src/sequences/render.ts). */
const REFERRER = 'referrer';
/** Contact fields some contacts lack. */
const OPTIONAL = ['first_name', 'last_name', 'company'];

/**
 * A variable without value makes Parley skip the step for that contact rather than send "Hi ,".
 * An unknown name is most likely a typo, so every contact would skip; a known optional field only
 * skips the contacts without it.
 */
export const knownVariables: LintRule = {
  id: 'known-variables',
  check: (sequence) =>
    templateVariables(sequence).flatMap(({ stepIndex, field, name, hasFallback }): RuleFinding[] => {
      // A segment audience fills {{ segment }} (its name) and event_<prop> from the event that
      // brought the contact in, which not every entry has.
      const fromSegment = sequence.audience.segment !== undefined;
      if (hasFallback || ALWAYS.includes(name) || (fromSegment && name === 'segment')) return [];
      const path = ['steps', stepIndex, field];
      // {{ referrer.first_name }}: filled for contacts enrolled from a referral (`referral: enroll_referred`) only.
      if (name === REFERRER) {
        return [
          {
            path,
            minor: true,
            message: `only contacts enrolled from a referral have a referrer: add a fallback like {{ referrer.first_name | default: "a colleague" }}, or others skip this step`,
          },
        ];
      }
      if (OPTIONAL.includes(name) || (fromSegment && name.startsWith('event_'))) {
        return [
          {
            path,
            minor: true,
            message: `contacts without ${name} will skip this step: add a fallback like {{ ${name} | default: "…" }} or print it inside {% if ${name} %}`,
          },
        ];
      }
      return [
        {
          path,
          message: `{{ ${name} }} is not a contact field (email, ${OPTIONAL.join(', ')}): fix the name, or if it is a custom field give it a fallback like {{ ${name} | default: "…" }}`,
        },
      ];
    }),
};
