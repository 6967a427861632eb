import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { suppressionEvidence, unmatchedReport } from './suppressions.ts';

describe('what admins see of a bounce', () => {
  it("names the bounce's reason in the suppression's evidence", () => {
    const evidence = suppressionEvidence({
      _id: 's1',
      contactId: 'c1',
      email: 'gone@lead.example',
      reason: 'bounce',
      at: new Date('2026-12-05T10:00:00Z'),
      replyId: 'mid:<b1@mx.lead.example>',
      bounce: { status: '5.1.1', diagnostic: '550 5.1.1 User unknown', reason: 'user_unknown' },
    });
    assert.equal(evidence, 'reply mid:<b1@mx.lead.example>, status 5.1.1, reason user unknown, "550 5.1.1 User unknown"');
  });

  it("names it in an unmatched report's claims too", () => {
    const claims = unmatchedReport({
      analysis: {
        automatic: { isAutomatic: true, evidence: [] },
        bounce: {
          kind: 'hard',
          status: '5.7.1',
          diagnostic: undefined,
          recipient: 'ana@lead.example',
          originalMessageId: undefined,
          reason: 'spam_detected',
        },
        returnDate: undefined,
        alternateContact: undefined,
        referral: undefined,
        objection: undefined,
        qualification: {},
        answer: undefined,
        modelVersion: undefined,
      },
    });
    assert.equal(claims, 'hard bounce, names ana@lead.example, status 5.7.1, reason spam detected, cites no message');
  });
});
