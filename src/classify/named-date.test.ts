import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { dateNamedInReply } from './named-date.ts';

const written = new Date('2026-12-05T10:00:00Z'); // a Saturday in December
const day = (text: string) => dateNamedInReply(text, written)?.at.toISOString().slice(0, 10);

describe('dateNamedInReply', () => {
  it('reads a month, a quarter, a day of the month and "next year" in English', () => {
    assert.equal(day('Not now. Ping me again in March.'), '2027-03-01');
    assert.equal(day('Try us again in Q2.'), '2027-04-01');
    assert.equal(day('Could we look at this in Q3 2028?'), '2028-07-01');
    assert.equal(day('Swamped right now. After the 15th is better.'), '2026-12-15');
    assert.equal(day('After the 15th of January works.'), '2027-01-15');
    assert.equal(day('Circle back next year.'), '2027-01-01');
    assert.equal(day('Check back in two weeks.'), '2026-12-19');
    assert.equal(day('next month, please'), '2027-01-05');
  });

  it('reads German, French and Spanish the same way', () => {
    assert.equal(day('Gerade schlecht, melden Sie sich im März wieder.'), '2027-03-01');
    assert.equal(day('Bitte im zweiten Quartal nochmal.'), '2027-04-01');
    assert.equal(day('Nach dem 15. passt es besser.'), '2026-12-15');
    assert.equal(day('Recontactez-moi en mars, merci.'), '2027-03-01');
    assert.equal(day("Plutôt l'année prochaine."), '2027-01-01');
    assert.equal(day('Après le 15, volontiers.'), '2026-12-15');
    assert.equal(day('Escríbeme el próximo mes.'), '2027-01-05');
    assert.equal(day('Mejor a partir de enero.'), '2027-01-01');
    assert.equal(day('Después del 15 lo vemos.'), '2026-12-15');
  });

  it('keeps the words it read, and takes the latest of several dates', () => {
    assert.deepEqual(dateNamedInReply('We met on Monday; circle back in 6 weeks.', written)?.phrase, 'in 6 weeks');
    assert.equal(dateNamedInReply('Ping me again in March.', written)?.phrase, 'March');
  });

  it('names nothing for replies without a date, or with only a time or a count', () => {
    assert.equal(day('Not right now, sorry.'), undefined);
    assert.equal(day('Call me at 15:00 if you must.'), undefined);
    assert.equal(day('We have 2 offices and 15 people.'), undefined);
    assert.equal(day('Maybe after the holidays.'), undefined);
  });

  it('reads only the opening of a long reply', () => {
    assert.equal(day(`${'Not now. '.repeat(400)}Try me in March.`), undefined);
  });
});
