import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { answerFor, qualificationSignals } from './qualification.ts';

describe('qualificationSignals', () => {
  it('reads team size from "team of 12", "12 people", "about 40 seats", words and other languages', () => {
    const cases: Array<[string, number]> = [
      ['We are a team of 12.', 12],
      ['12 people would use it.', 12],
      ['About 40 seats, maybe more later.', 40],
      ['We have a dozen reps.', 12],
      ['Twenty salespeople, all remote.', 20],
      ['We have 1,200 employees but only the sales team matters.', 1200],
      ['Wir sind ein Team von 15 Leuten.', 15],
      ['Nous sommes 20 commerciaux.', 20],
      ['Somos unas 30 personas en ventas.', 30],
    ];
    for (const [text, size] of cases) assert.equal(qualificationSignals(text).teamSize, size, text);
    for (const text of ['Call me at 3pm.', 'We spend $500 a month.', 'Back in 2 weeks.', 'Q3 2026 maybe.']) {
      assert.equal(qualificationSignals(text).teamSize, undefined, text);
    }
  });

  it('reads the timeline phrase', () => {
    const cases: Array<[string, string]> = [
      ['We want this live next quarter.', 'next quarter'],
      ['Probably in Q3.', 'in Q3'],
      ['We need it by March.', 'by March'],
      ['Ideally this month.', 'this month'],
      ['No budget until Q3.', 'until Q3'],
      ['Wir planen das für nächstes Quartal.', 'nächstes Quartal'],
      ['Nous voulons démarrer le trimestre prochain.', 'le trimestre prochain'],
      ['Queremos empezar el próximo trimestre.', 'el próximo trimestre'],
    ];
    for (const [text, timeline] of cases) assert.equal(qualificationSignals(text).timeline, timeline, text);
    assert.equal(qualificationSignals('We are happy with our tool.').timeline, undefined);
  });

  it('reads the budget phrase', () => {
    const cases: Array<[string, string]> = [
      ['We could spend around $500 a month.', 'around $500 a month'],
      ['Honestly there is no budget.', 'no budget'],
      ['No budget until Q3.', 'No budget until Q3'],
      ['Maybe 2000 € per year.', '2000 € per year'],
      ['Wir haben kein Budget.', 'kein Budget'],
      ["Nous n'avons pas de budget.", 'pas de budget'],
      ['Ahora estamos sin presupuesto.', 'sin presupuesto'],
    ];
    for (const [text, budget] of cases) assert.equal(qualificationSignals(text).budget, budget, text);
    assert.equal(qualificationSignals('We have 12 reps.').budget, undefined);
  });

  it('reads the authority phrase', () => {
    const cases: Array<[string, string]> = [
      ['I need to check with my boss first.', 'I need to check with my boss'],
      ['I make the call on tooling.', 'I make the call'],
      ['The decision is mine.', 'The decision is mine'],
      ['Let me run it by our CFO.', 'Let me run it by our CFO'],
      ['Das muss ich erst mit meinem Chef besprechen.', 'muss ich erst mit meinem Chef besprechen'],
      ['Ich muss das erst mit meinem Chef besprechen.', 'Ich muss das erst mit meinem Chef besprechen'],
      ["C'est moi qui décide.", "C'est moi qui décide"],
      ['Tengo que consultarlo con mi jefe.', 'Tengo que consultarlo con mi jefe'],
    ];
    for (const [text, authority] of cases) assert.equal(qualificationSignals(text).authority, authority, text);
    assert.equal(qualificationSignals('Happy to talk with our team on the call.').authority, undefined);
  });

  it('reads a lead who signs off themselves, in English, German, French and Spanish', () => {
    const cases: Array<[string, string]> = [
      ["Sounds useful, and I'd sign off on it myself.", "I'd sign off on it myself"],
      ['I can approve this without a committee.', 'I can approve this'],
      ['I hold the budget for sales tools.', 'I hold the budget'],
      ['I have signing authority up to 20k.', 'I have signing authority'],
      ['Das kann ich selbst freigeben.', 'Das kann ich selbst freigeben'],
      ['Ich habe die Budgetverantwortung dafür.', 'Ich habe die Budgetverantwortung'],
      ['Je peux signer moi-même, pas besoin de comité.', 'Je peux signer moi-même'],
      ["C'est moi qui valide ce genre d'achat.", "C'est moi qui valide"],
      ['Puedo aprobarlo yo mismo.', 'Puedo aprobarlo yo mismo'],
    ];
    for (const [text, authority] of cases) assert.equal(qualificationSignals(text).authority, authority, text);
    assert.equal(qualificationSignals('I need to sign this form for HR first.').authority, undefined);
  });

  it('reads the need behind a reply as its goal', () => {
    assert.equal(qualificationSignals('Hi. Our biggest problem is no-shows.').mainGoal, 'Our biggest problem is no-shows.');
    assert.equal(
      qualificationSignals('Wir brauchen eine bessere Lösung für Follow-ups.').mainGoal,
      'Wir brauchen eine bessere Lösung für Follow-ups.',
    );
    assert.equal(qualificationSignals("Nous avons besoin d'un outil simple.").mainGoal, "Nous avons besoin d'un outil simple.");
    assert.equal(qualificationSignals('Necesitamos un CRM nuevo.').mainGoal, 'Necesitamos un CRM nuevo.');
    assert.equal(qualificationSignals("We don't need this, thanks.").mainGoal, undefined);
  });

  it('reads a goal sentence, but not one about the meeting itself', () => {
    assert.equal(
      qualificationSignals('Hi Sam. Our main goal is to double pipeline this year.').mainGoal,
      'Our main goal is to double pipeline this year.',
    );
    assert.equal(qualificationSignals("We'd like to set up a call on Tuesday.").mainGoal, undefined);
  });
});

describe('answerFor', () => {
  it('answers each kind of question from the signals', () => {
    const text = 'We are about 40 people, want it by March, budget around $500 a month, and I make the call.';
    const signals = qualificationSignals(text);
    assert.equal(answerFor('team_size', text, signals), '40');
    assert.equal(answerFor('timeline', text, signals), 'by March');
    assert.equal(answerFor('budget', text, signals), 'around $500 a month');
    assert.equal(answerFor('decision_maker', text, signals), 'I make the call');
  });

  it('takes a bare number for the team size, and not a time or a price', () => {
    assert.equal(answerFor('team_size', 'About 40.', {}), '40');
    assert.equal(answerFor('team_size', '12, soon 20.', {}), '12');
    for (const text of ['3pm works.', '$500 is the max.', '2026 is our year.'])
      assert.equal(answerFor('team_size', text, {}), undefined, text);
  });

  it('answers main_goal with the goal sentence, else the first sentence that is not a greeting', () => {
    assert.equal(
      answerFor('main_goal', 'Hi Sam,\n\nThanks for asking! Mostly booking more demos with the same team.', {}),
      'Mostly booking more demos with the same team.',
    );
    assert.equal(
      answerFor('main_goal', 'Hi Sam, getting our SDRs to stop copy-pasting. Also reporting.', {}),
      'getting our SDRs to stop copy-pasting.',
    );
    assert.equal(answerFor('main_goal', 'Hello,\n\nThank you.', {}), undefined);
    assert.equal(answerFor('main_goal', 'x', { mainGoal: 'We want to grow.' }), 'We want to grow.');
  });

  it('gives nothing when the reply does not answer', () => {
    assert.equal(answerFor('budget', 'Yes, Thursday works.', {}), undefined);
    assert.equal(answerFor('decision_maker', 'Yes, Thursday works.', {}), undefined);
  });
});
