import { describe, expect, it } from 'vitest';
import { compileSelector, everyTopicMatched } from './topic-selector.js';

describe('Mercure topic selectors', () => {
  it.each([
    // [selector, matching topics, non-matching topics]
    ['https://example.com/books/1', ['https://example.com/books/1'], ['https://example.com/books/12', 'books/1']],
    ['*', ['anything', 'https://example.com/x', ''], []],
    [
      'https://example.com/books/{id}',
      ['https://example.com/books/1', 'https://example.com/books/abc-def', 'https://example.com/books/'],
      ['https://example.com/books/1/reviews', 'https://example.com/books/1?x=1', 'http://example.com/books/1'],
    ],
    ['https://example.com/{+path}', ['https://example.com/a/b/c?d=e#f'], ['https://other.example/a']],
    [
      'https://example.com/books{/id*}',
      ['https://example.com/books', 'https://example.com/books/1/2'],
      ['https://example.com/booksx'],
    ],
    [
      'https://example.com/search{?q,lang}',
      ['https://example.com/search', 'https://example.com/search?q=a&lang=fr'],
      ['https://example.com/search/x'],
    ],
    [
      'https://example.com/page{#section}',
      ['https://example.com/page', 'https://example.com/page#a/b'],
      ['https://example.com/page2'],
    ],
    [
      'https://example.com/file{.ext}',
      ['https://example.com/file', 'https://example.com/file.json'],
      ['https://example.com/file/json'],
    ],
    ['urn:books:{id}', ['urn:books:1', 'urn:books:%C3%A9'], ['urn:books:a b', 'urn:books:1/2']],
  ] as const)('%s', (selector, matching, others) => {
    const match = compileSelector(selector);
    for (const topic of matching) expect(match(topic), topic).toBe(true);
    for (const topic of others) expect(match(topic), topic).toBe(false);
  });

  it('takes a template literally too (the reference hub matches the template string itself)', () => {
    expect(compileSelector('https://example.com/books/{id}')('https://example.com/books/{id}')).toBe(true);
  });

  it('refuses malformed templates with INVALID_TOPIC', () => {
    for (const bad of ['https://example.com/{id}}', 'https://example.com/{!id}', 'https://example.com/{a b}']) {
      expect(() => compileSelector(bad), bad).toThrowError(expect.objectContaining({ code: 'INVALID_TOPIC' }));
    }
  });

  it('treats a string without a complete expression as an exact topic', () => {
    expect(compileSelector('https://example.com/{id')('https://example.com/{id')).toBe(true);
    expect(compileSelector('https://example.com/{id')('https://example.com/1')).toBe(false);
  });

  it('requires every topic of a publish to be matched', () => {
    const selectors = ['https://example.com/books/{id}', 'urn:audit'];
    expect(everyTopicMatched(selectors, ['https://example.com/books/1', 'urn:audit'])).toBe(true);
    expect(everyTopicMatched(selectors, ['https://example.com/books/1', 'https://example.com/users/1'])).toBe(false);
  });
});
