import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { outOfOfficeReturnDate } from './return-date.ts';

const written = new Date('2026-03-04T10:00:00Z'); // a Wednesday

describe('outOfOfficeReturnDate', () => {
  it('reads an English return date relative to the message date', () => {
    assert.equal(
      outOfOfficeReturnDate('I am out of the office until March 12 with limited access to email.', written)?.toISOString().slice(0, 10),
      '2026-03-12',
    );
    assert.equal(outOfOfficeReturnDate("I'm away, back on Monday.", written)?.toISOString().slice(0, 10), '2026-03-09');
  });

  it('reads German and French dates', () => {
    assert.equal(outOfOfficeReturnDate('Ich bin bis zum 16. März nicht im Büro.', written)?.toISOString().slice(0, 10), '2026-03-16');
    assert.equal(outOfOfficeReturnDate('Je suis absente jusqu’au 20 mars.', written)?.toISOString().slice(0, 10), '2026-03-20');
  });

  it('takes the end of a range, and nothing when no future date is named', () => {
    assert.equal(outOfOfficeReturnDate('Away from March 5 to March 10.', written)?.toISOString().slice(0, 10), '2026-03-10');
    assert.equal(outOfOfficeReturnDate('I am on vacation with limited access to email.', written), undefined);
  });
});
