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

describe('outOfOfficeReturnDate in more languages (issue 15)', () => {
  const day = (text: string) => outOfOfficeReturnDate(text, written)?.toISOString().slice(0, 10);

  it('reads the languages chrono-node knows: Spanish, Portuguese, Italian, Dutch, Swedish, Russian, Japanese, Chinese', () => {
    const cases: Array<[string, string]> = [
      ['Estoy de vacaciones, volveré el lunes.', '2026-03-09'],
      ['Estarei de volta no dia 20 de março.', '2026-03-20'],
      ['Rientrerò il 18 marzo.', '2026-03-18'],
      ['Ik ben afwezig, terug op maandag.', '2026-03-09'],
      ['Jag är tillbaka den 16 mars.', '2026-03-16'],
      ['Я в отпуске до 14 марта.', '2026-03-14'],
      ['3月10日以降に返信いたします。', '2026-03-10'],
      ['我将于3月12日返回办公室。', '2026-03-12'],
      ['Ich bin im Urlaub, zurück am 23. März.', '2026-03-23'],
    ];
    for (const [text, expected] of cases) assert.equal(day(text), expected, text);
  });

  it('reads Danish, Norwegian and Polish, and a bare day of the month', () => {
    const cases: Array<[string, string]> = [
      ['Jeg er på ferie og er tilbage den 9.', '2026-03-09'],
      ['Jeg er fraværende til 12. marts.', '2026-03-12'],
      ['Jeg er på ferie til og med 16. mars.', '2026-03-16'],
      ['Jestem na urlopie do 14 marca.', '2026-03-14'],
      ['Jestem poza biurem do 20.03.2026.', '2026-03-20'],
      ['Jestem poza biurem, wracam w poniedziałek.', '2026-03-09'],
      ['Je suis absent, de retour le 12.', '2026-03-12'],
      ['Ich bin bis 12.03. nicht im Büro.', '2026-03-12'],
    ];
    for (const [text, expected] of cases) assert.equal(day(text), expected, text);
  });

  it('a range begun before the message ends on its own end, not a year on', () => {
    assert.equal(day('Away from March 1 until March 10.'), '2026-03-10');
  });

  it('a date that has passed or lies over a year away is no return date (the caller keeps its default)', () => {
    assert.equal(day('I am out of the office until 3 March 2025.'), undefined);
    assert.equal(day('I am on sabbatical until March 2028.'), undefined);
  });

  it('a time of day alone is no return date', () => {
    assert.equal(day('I am travelling. Support hours: 5am - 5:30pm Pacific.'), undefined);
  });
});
