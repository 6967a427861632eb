import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { extractNamedContact } from './named-contact.ts';

const SENDER = ['anna@acme.com'];

describe('extractNamedContact', () => {
  it('finds the referral a wrong-person reply names, with or without an address', () => {
    const cases: Array<[string, string | undefined, string | undefined]> = [
      ['Please talk to Priya (priya@x.com), she runs sales ops.', 'Priya', 'priya@x.com'],
      ["I've left the company, contact John Smith.", 'John Smith', undefined],
      ["I'm not the right person for this. Try our head of sales, Maria.", 'Maria', undefined],
      ['I think you want my manager, Lisa. Her email is lisa@acme.com.', 'Lisa', 'lisa@acme.com'],
      ['Wrong person. Reach out to maria.lopez@acme.com instead.', undefined, 'maria.lopez@acme.com'],
      [
        'I moved to product in January. Ben Carter took over sales ops, his address is ben.carter@acme.com.',
        'Ben Carter',
        'ben.carter@acme.com',
      ],
      ['Adding Sarah, who owns our outbound process.', 'Sarah', undefined],
      ['Ich bin dafür nicht zuständig. Bitte wenden Sie sich an Herrn Weber (weber@acme.de).', 'Weber', 'weber@acme.de'],
      ['Je ne suis plus en charge de ce sujet, écrivez à Julie Martin.', 'Julie Martin', undefined],
      ['No soy la persona adecuada, habla con mi compañera Laura.', 'Laura', undefined],
    ];
    for (const [text, name, email] of cases) assert.deepEqual(extractNamedContact(text, SENDER), { name, email }, text);
  });

  it("finds an out-of-office's stand-in", () => {
    assert.deepEqual(extractNamedContact('For urgent matters contact Sam at sam@x.com.', SENDER), { name: 'Sam', email: 'sam@x.com' });
    assert.deepEqual(extractNamedContact('I am away until Monday, please reach out to Sam Lee.', SENDER), {
      name: 'Sam Lee',
      email: undefined,
    });
    assert.deepEqual(extractNamedContact('Pour toute urgence, contactez Marie Dupont.', SENDER), {
      name: 'Marie Dupont',
      email: undefined,
    });
  });

  it("never returns the sender's own address", () => {
    assert.equal(extractNamedContact('Contact me at anna@acme.com any time.', SENDER), undefined);
    assert.deepEqual(extractNamedContact('Reach me at ANNA@acme.com or my colleague at bob@acme.com.', SENDER), {
      name: undefined,
      email: 'bob@acme.com',
    });
  });

  it('takes no role, department, company or weekday for a name', () => {
    const nobody = [
      'Please contact our CTO instead, he makes these decisions.',
      'Reach out to procurement.',
      'Try reaching our sales team at Acme.',
      'Bitte wenden Sie sich an unseren Vertrieb.',
      "Please contact Acme's support team.",
      'I retired last year. Someone else took over my accounts.',
      'Thanks for your email. I am out until Monday.',
      'Try me again on Monday.',
    ];
    for (const text of nobody) assert.equal(extractNamedContact(text, SENDER), undefined, text);
  });
});
