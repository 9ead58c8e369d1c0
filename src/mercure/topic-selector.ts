import { SseHubError } from '../errors.js';

/** Whether a Mercure topic (any string, usually a URL) is matched by a selector. */
export type SelectorMatcher = (topic: string) => boolean;

/** Characters a plain `{var}` expansion can produce: unreserved and percent-encoded (RFC 6570 §3.2.2). */
const UNRESERVED = '[A-Za-z0-9\\-._~]|%[0-9A-Fa-f]{2}';
/** `{+var}` and `{#var}` may also produce reserved characters (§3.2.3). */
const RESERVED = `${UNRESERVED}|[:/?#\\[\\]@!$&'()*+,;=]`;

/**
 * For each RFC 6570 operator: what one expansion may look like, as a regular
 * expression. Values may hold lists (`,`-joined) and, for the form-style and
 * path-parameter operators, `name=value` pairs. Matching is a superset of what
 * the template can expand to with those operators, which is what the Mercure
 * reference hub does too.
 */
function expressionPattern(operator: string): string {
  const plain = `(?:${UNRESERVED}|,)*`;
  switch (operator) {
    case '':
      return plain;
    case '+':
      return `(?:${RESERVED})*`;
    case '#':
      return `(?:#(?:${RESERVED})*)?`;
    case '.':
      return `(?:\\.${plain})*`;
    case '/':
      return `(?:/${plain})*`;
    case ';':
      return `(?:;(?:${UNRESERVED}|[,=])*)*`;
    case '?':
      return `(?:\\?(?:${UNRESERVED}|[,=&])*)?`;
    case '&':
      return `(?:&(?:${UNRESERVED}|[,=])*)*`;
    default:
      throw new SseHubError('INVALID_TOPIC', `URI template operator "${operator}" is not one of RFC 6570's`);
  }
}

const EXPRESSION = /\{([+#./;?&]?)([^{}]*)\}/g;
const VARIABLE = /^[A-Za-z0-9_.%]+(?::[1-9]\d{0,3}|\*)?$/;

/** A URI template (RFC 6570, levels 1 to 4) as an anchored regular expression. */
export function templatePattern(template: string): RegExp {
  let source = '';
  let last = 0;
  for (const match of template.matchAll(EXPRESSION)) {
    const [whole, operator = '', variables = ''] = match;
    if (!variables.split(',').every((v) => VARIABLE.test(v))) {
      throw new SseHubError('INVALID_TOPIC', `The URI template ${JSON.stringify(template)} has an invalid variable`);
    }
    source += escapeRegExp(template.slice(last, match.index)) + expressionPattern(operator);
    last = match.index + whole.length;
  }
  const rest = template.slice(last);
  if (rest.includes('{') || rest.includes('}')) {
    throw new SseHubError('INVALID_TOPIC', `The URI template ${JSON.stringify(template)} has an unbalanced brace`);
  }
  return new RegExp(`^${source}${escapeRegExp(rest)}$`, 'u');
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** Templates are compiled once per process, however many streams or tokens use them. */
const compiled = new Map<string, SelectorMatcher>();
const MAX_CACHED = 10_000;

/**
 * A Mercure topic selector: `*` matches every topic, a string containing a
 * `{...}` expression is a URI template, anything else matches itself exactly.
 */
export function compileSelector(selector: string): SelectorMatcher {
  let matcher = compiled.get(selector);
  if (matcher) return matcher;
  if (selector === '*') matcher = () => true;
  else if (/\{[^{}]*\}/.test(selector)) {
    const pattern = templatePattern(selector);
    matcher = (topic) => topic === selector || pattern.test(topic);
  } else matcher = (topic) => topic === selector;
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(selector, matcher);
  return matcher;
}

/** True when any selector matches any of the topics. */
export function anySelectorMatches(selectors: readonly string[], topics: readonly string[]): boolean {
  if (selectors.length === 0) return false;
  const matchers = selectors.map(compileSelector);
  return topics.some((topic) => matchers.some((match) => match(topic)));
}

/** True when every topic is matched by some selector (publishing needs this). */
export function everyTopicMatched(selectors: readonly string[], topics: readonly string[]): boolean {
  const matchers = selectors.map(compileSelector);
  return topics.every((topic) => matchers.some((match) => match(topic)));
}
