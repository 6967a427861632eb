import type { LintRule, RuleFinding } from '../types.ts';

const EARLIEST = 7 * 60;
const LATEST = 21 * 60;

const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** A person writes during the day, on working days: never at night. */
export const sendingHours: LintRule = {
  id: 'sending-hours',
  check: ({ policy }) => {
    const findings: RuleFinding[] = [];
    const { startMinute, endMinute } = policy.sendHours;
    if (startMinute < EARLIEST || endMinute > LATEST) {
      findings.push({
        path: ['policy', 'send_hours'],
        message: `sends between ${clock(startMinute)} and ${clock(endMinute)}; keep send_hours within ${clock(EARLIEST)}–${clock(LATEST)} local time: never at night`,
      });
    }
    const weekend = policy.sendDays.flatMap((d) => (d === 'sat' ? ['Saturdays'] : d === 'sun' ? ['Sundays'] : []));
    if (weekend.length > 0) {
      findings.push({
        path: ['policy', 'send_days'],
        message: `sends on ${weekend.join(' and ')}; remove sat and sun from send_days so emails arrive when people work`,
      });
    }
    return findings;
  },
};
