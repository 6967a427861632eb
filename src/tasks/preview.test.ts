import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { searchWords } from './inbox.ts';
import { SNIPPET_LENGTH, snippetOf, taskPreview } from './preview.ts';

describe('task previews', () => {
  it("takes the contact's name and company, else the name the sender gave", () => {
    assert.deepEqual(taskPreview({ contact: { firstName: 'Pat', lastName: 'Lead', company: 'Lead Co' }, fromName: 'P. L.', text: 'Hi' }), {
      name: 'Pat Lead',
      company: 'Lead Co',
      snippet: 'Hi',
    });
    assert.deepEqual(taskPreview({ contact: null, fromName: ' Sam Quill ', text: 'Yes' }), { name: 'Sam Quill', snippet: 'Yes' });
    assert.deepEqual(taskPreview({ text: 'Yes' }), { snippet: 'Yes' });
  });

  it('puts the reply on one line and cuts it at a word with an ellipsis', () => {
    assert.equal(snippetOf('Hi Dana,\n\n  How much\tis it?  '), 'Hi Dana, How much is it?');
    const long = `${'word '.repeat(100)}end`;
    const cut = snippetOf(long);
    assert.ok(cut.length <= SNIPPET_LENGTH + 1, `${cut.length}`);
    assert.match(cut, /word…$/);
    // One endless word is cut where it must be; a huge reply is not read past a few lines.
    assert.equal(snippetOf('x'.repeat(5_000_000)).length, SNIPPET_LENGTH + 1);
  });

  it('splits a search into at most 8 lower-cased words', () => {
    assert.deepEqual(searchWords('  Quill   LTD '), ['quill', 'ltd']);
    assert.deepEqual(searchWords(undefined), []);
    assert.equal(searchWords('a b c d e f g h i j').length, 8);
    assert.equal(searchWords('y'.repeat(500))[0]?.length, 64);
  });
});
