// A small, safe Markdown renderer for post and comment bodies.
//
// It never parses HTML: the source is split into blocks and inline runs and
// turned straight into DOM nodes, and every piece of the author's text ends
// up in a text node. So "<script>alert(1)</script>" or "<b>x</b>" in a body
// shows as exactly that text. Links are made only for http(s) and mailto
// addresses, and always open in a new tab with rel="noopener noreferrer".
//
// Supported: paragraphs (a single newline is a line break), # headings,
// **bold**, *italic* / _italic_, ~~strike~~, `code`, ``` code blocks ```,
// > quotes, - and 1. lists, --- rules, [text](https://…) links and bare
// https:// addresses.
//
// Linear time: a body is up to 20,000 characters of a colleague's text and
// arrives live in everyone's feed, so no body may make the renderer slow.
// Lines are read by small scanners, the searches for closing markers read
// each character of a line a bounded number of times (see Lookup), and the
// few regular expressions left test one character, a fixed-length prefix,
// or make one anchored attempt with a single quantifier. Never add a pattern
// with two quantifiers that can match the same characters (such as
// /#\s+(.*?)\s*#*\s*$/): its backtracking took minutes on one heading.

const SAFE_URL = /^(https?:\/\/|mailto:)/i;
const ESCAPABLE = /[\\`*_{}[\]()#+\-.!~>|]/;
const SPACE = /\s/;
// the characters "." does not match: a line with one of them in its text
// was no heading or list item for the patterns this renderer replaced
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const ALNUM = /[\p{L}\p{N}]/u;
const AUTOLINK_AFTER = /[\s(*_~]/;
const AUTOLINK_SCHEME = /^https?:\/\//i;
// stripped from the end of a bare address: "(zie https://x.nl/a)." links /a
const TRAILING_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?', "'", '"', ')', ']']);
// a bare address longer than this has its host checked first (autolinkAt)
const LONG_ADDRESS = 256;

/**
 * Returns url when it is an absolute http, https or mailto address a link
 * may point to, or null.
 *
 * @param {string} url
 * @returns {string|null}
 */
export function safeUrl(url) {
  const trimmed = url.trim();
  if (!SAFE_URL.test(trimmed)) return null;
  try {
    const parsed = new URL(trimmed);
    if (!['http:', 'https:', 'mailto:'].includes(parsed.protocol)) return null;
    return parsed.href;
  } catch {
    return null;
  }
}

/**
 * Renders Markdown source into a document fragment.
 *
 * @param {string} source the Markdown text (untrusted)
 * @returns {DocumentFragment}
 */
export function renderMarkdown(source) {
  const frag = document.createDocumentFragment();
  const lines = String(source ?? '').replace(/\r\n?/g, '\n').split('\n');
  renderBlocks(lines, frag, 0);
  return frag;
}

/**
 * Renders Markdown as plain text (for previews and notifications): the
 * markers are dropped, the words stay.
 *
 * @param {string} source
 * @returns {string}
 */
export function markdownToText(source) {
  const frag = renderMarkdown(source);
  const parts = [];
  for (const node of frag.childNodes) parts.push(node.textContent);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * @param {string[]} lines
 * @param {Node} parent
 * @param {number} depth quote nesting, bounded to keep hostile input cheap
 */
function renderBlocks(lines, parent, depth) {
  let i = 0;
  /** @type {string[]} */
  let para = [];

  const flushPara = () => {
    if (!para.length) return;
    const p = document.createElement('p');
    para.forEach((line, n) => {
      if (n > 0) p.append(document.createElement('br'));
      renderInline(line, p, 0);
    });
    parent.append(p);
    para = [];
  };

  while (i < lines.length) {
    const line = lines[i];

    // fenced code block
    const marker = fence(line);
    if (marker) {
      flushPara();
      const code = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(marker)) code.push(lines[i++]);
      i++; // the closing fence (or the end)
      const pre = document.createElement('pre');
      const el = document.createElement('code');
      el.textContent = code.join('\n');
      pre.append(el);
      parent.append(pre);
      continue;
    }

    if (!line.trim()) {
      flushPara();
      i++;
      continue;
    }

    // heading: a post's headings sit below the post title (h3 and down)
    const head = heading(line);
    if (head) {
      flushPara();
      const el = document.createElement('h' + Math.min(head.level + 2, 6));
      renderInline(head.text, el, 0);
      parent.append(el);
      i++;
      continue;
    }

    if (isRule(line)) {
      flushPara();
      parent.append(document.createElement('hr'));
      i++;
      continue;
    }

    if (quoteMark(line) >= 0) {
      flushPara();
      const inner = [];
      for (let at; i < lines.length && (at = quoteMark(lines[i])) >= 0; i++) {
        inner.push(lines[i].slice(isSpace(lines[i][at + 1]) ? at + 2 : at + 1));
      }
      const quote = document.createElement('blockquote');
      if (depth < 8) renderBlocks(inner, quote, depth + 1);
      else quote.textContent = inner.join('\n');
      parent.append(quote);
      continue;
    }

    const first = listItem(line);
    if (first) {
      flushPara();
      const list = document.createElement(first.ordered ? 'ol' : 'ul');
      if (first.ordered && first.start !== 1) list.setAttribute('start', String(first.start));
      /** @type {HTMLLIElement|null} */
      let item = null;
      while (i < lines.length) {
        const next = listItem(lines[i]);
        if (next && next.ordered === first.ordered) {
          item = document.createElement('li');
          renderInline(next.text, item, 0);
          list.append(item);
          i++;
        } else if (item && lines[i].trim() && skipSpace(lines[i], 0) >= 2) {
          // an indented continuation line belongs to the item above
          item.append(document.createElement('br'));
          renderInline(lines[i].trim(), item, 0);
          i++;
        } else {
          break;
        }
      }
      parent.append(list);
      continue;
    }

    para.push(line);
    i++;
  }
  flushPara();
}

/**
 * Returns the marker of a fence line ("```" or "~~~" after any indent), or
 * null.
 *
 * @param {string} line
 * @returns {string|null}
 */
function fence(line) {
  const at = skipSpace(line, 0);
  if (line.startsWith('```', at)) return '```';
  if (line.startsWith('~~~', at)) return '~~~';
  return null;
}

/**
 * Reads an ATX heading: up to three spaces, one to six #s, whitespace, the
 * text, and an optional closing run of #s.
 *
 * @param {string} line
 * @returns {{level: number, text: string}|null}
 */
function heading(line) {
  const start = skipSpace(line, 0);
  const end = skipRun(line, start, '#');
  const level = end - start;
  if (start > 3 || level < 1 || level > 6 || !isSpace(line[end])) return null;
  const from = skipSpace(line, end);
  // the closing sequence, read from the end: spaces, #s, spaces
  let to = line.length;
  while (to > from && isSpace(line[to - 1])) to--;
  while (to > from && line[to - 1] === '#') to--;
  while (to > from && isSpace(line[to - 1])) to--;
  const text = line.slice(from, to);
  return LINE_BREAK.test(text) ? null : { level, text };
}

/**
 * Reports whether line is a thematic break: up to three spaces, then three
 * or more of one of - * _, with only whitespace in between.
 *
 * @param {string} line
 * @returns {boolean}
 */
function isRule(line) {
  let i = skipSpace(line, 0);
  const marker = line[i];
  if (i > 3 || (marker !== '-' && marker !== '*' && marker !== '_')) return false;
  let count = 0;
  for (; i < line.length; i++) {
    if (line[i] === marker) count++;
    else if (!isSpace(line[i])) return false;
  }
  return count >= 3;
}

/**
 * Returns the index of the ">" that makes line a quote line (after up to
 * three spaces), or -1.
 *
 * @param {string} line
 * @returns {number}
 */
function quoteMark(line) {
  const at = skipSpace(line, 0);
  return at <= 3 && line[at] === '>' ? at : -1;
}

/**
 * Reads a list item: up to three spaces, a bullet (- * +) or a number of up
 * to nine digits with "." or ")", whitespace, and the text.
 *
 * @param {string} line
 * @returns {{ordered: boolean, start: number, text: string}|null}
 */
function listItem(line) {
  let i = skipSpace(line, 0);
  if (i > 3) return null;
  let start = 0;
  const ordered = !(line[i] === '-' || line[i] === '*' || line[i] === '+');
  if (ordered) {
    let end = i;
    while (line[end] >= '0' && line[end] <= '9') end++;
    if (end === i || end - i > 9 || (line[end] !== '.' && line[end] !== ')')) return null;
    start = parseInt(line.slice(i, end), 10);
    i = end;
  }
  if (!isSpace(line[i + 1])) return null;
  const text = line.slice(skipSpace(line, i + 1));
  return LINE_BREAK.test(text) ? null : { ordered, start, text };
}

/**
 * Renders one line of inline Markdown into parent.
 *
 * @param {string} text
 * @param {Node} parent
 * @param {number} depth nesting of emphasis, bounded
 * @param {boolean} [inLink] inside a link label: make no nested links
 */
function renderInline(text, parent, depth, inLink = false) {
  const at = new Lookup(text);
  let buf = '';
  let i = 0;
  const flush = () => {
    if (buf) parent.append(document.createTextNode(buf));
    buf = '';
  };
  const wrap = (tag, inner) => {
    flush();
    const el = document.createElement(tag);
    if (depth < 6) renderInline(inner, el, depth + 1, inLink);
    else el.textContent = inner;
    parent.append(el);
  };

  while (i < text.length) {
    const c = text[i];

    if (c === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1])) {
      buf += text[i + 1];
      i += 2;
      continue;
    }

    if (c === '`') {
      const span = codeSpan(text, i, at);
      if (span) {
        flush();
        const code = document.createElement('code');
        code.textContent = span.code.trim() ? span.code.replace(/^ (.*) $/, '$1') : span.code;
        parent.append(code);
        i = span.end;
      } else {
        // no closing run of any length: the whole run is text
        const end = skipRun(text, i, '`');
        buf += text.slice(i, end);
        i = end;
      }
      continue;
    }

    if (c === '[' && !inLink) {
      const found = linkAt(text, i, at);
      if (found) {
        flush();
        parent.append(link(found.href, text.slice(i + 1, found.labelEnd), depth));
        i = found.end;
        continue;
      }
    }

    if (!inLink && (c === 'h' || c === 'H') && (i === 0 || AUTOLINK_AFTER.test(text[i - 1]))) {
      const found = autolinkAt(text, i, at);
      if (found) {
        flush();
        const a = link(found.href, null, depth);
        a.textContent = found.raw;
        parent.append(a);
        i += found.raw.length;
        continue;
      }
    }

    if (c === '*' || c === '_' || c === '~') {
      const found = emphasisAt(text, i, at);
      if (found) {
        wrap(found.tag, text.slice(found.from, found.to));
        i = found.end;
        continue;
      }
    }

    buf += c;
    i++;
  }
  flush();
}

/**
 * Reads a code span at text[i], a run of backticks: the longest opening
 * that a later run of exactly as many backticks closes.
 *
 * @param {string} text
 * @param {number} i
 * @param {Lookup} at
 * @returns {{code: string, end: number}|null}
 */
function codeSpan(text, i, at) {
  const runEnd = skipRun(text, i, '`');
  for (let n = runEnd - i; n >= 1; n--) {
    const close = at.backtickRun(n, runEnd);
    if (close >= 0) return { code: text.slice(i + n, close), end: close + n };
  }
  return null;
}

/**
 * Reads a link at text[i], "[label](address)" with an optional "<>" around
 * the address and an optional "title", when the address is one a link may
 * point to.
 *
 * @param {string} text
 * @param {number} i
 * @param {Lookup} at
 * @returns {{href: string, labelEnd: number, end: number}|null}
 */
function linkAt(text, i, at) {
  const close = at.next(']', i + 1);
  if (close === i + 1 || close === text.length || at.next('\n', i + 1) < close) return null;
  // every "[" before this "]" shares what follows it: read that once
  at.targets ??= new Map();
  if (!at.targets.has(close)) at.targets.set(close, linkTarget(text, close + 1, at));
  const target = at.targets.get(close);
  return target && { href: target.href, labelEnd: close, end: target.end };
}

/**
 * Reads the "(address "title")" part of a link at text[open].
 *
 * @param {string} text
 * @param {number} open
 * @param {Lookup} at
 * @returns {{href: string, end: number}|null}
 */
function linkTarget(text, open, at) {
  if (text[open] !== '(') return null;
  let p = at.next('nonspace', open + 1);
  if (text[p] === '<') p++;
  const address = text.slice(p, at.next('addressEnd', p));
  if (!address) return null;
  p += address.length;
  if (text[p] === '>') p++;
  let paren = -1;
  if (isSpace(text[p])) {
    const quote = at.next('nonspace', p);
    const endQuote = text[quote] === '"' ? at.next('"', quote + 1) : text.length;
    if (endQuote < text.length) paren = at.next('nonspace', endQuote + 1);
  }
  if (text[paren] !== ')') paren = at.next('nonspace', p);
  if (text[paren] !== ')') return null;
  const href = safeUrl(address);
  return href && { href, end: paren + 1 };
}

/**
 * Reads a bare http(s) address at text[i], without trailing punctuation.
 *
 * @param {string} text
 * @param {number} i
 * @param {Lookup} at
 * @returns {{href: string, raw: string}|null}
 */
function autolinkAt(text, i, at) {
  const scheme = AUTOLINK_SCHEME.exec(text.slice(i, i + 8));
  if (!scheme) return null;
  const from = i + scheme[0].length;
  const stop = at.next('autolinkEnd', from);
  if (stop === from) return null;
  if (at.trimmedStop !== stop) {
    at.trimmedStop = stop;
    at.trimmedEnd = stop;
    while (TRAILING_PUNCTUATION.has(text[at.trimmedEnd - 1])) at.trimmedEnd--;
  }
  const end = at.trimmedEnd;
  // Check the host of a long address on the few characters up to its path
  // first: a parse of the whole address costs its length, and one long line
  // can hold many addresses with a bad host that all run to its end. Only
  // the host and the port can make an http(s) address invalid, never what
  // follows.
  if (end - i > LONG_ADDRESS) {
    const authorityEnd = at.next('authorityEnd', at.next('slashesEnd', from));
    if (authorityEnd + 1 < end && !parses(text.slice(i, authorityEnd + 1))) return null;
  }
  const raw = text.slice(i, end);
  const href = safeUrl(raw);
  return href && { href, raw };
}

/**
 * Reads emphasis at text[i] (a *, _ or ~): **strong**, __strong__,
 * ~~struck~~, *em* or _em_. The closing marker is the first one that may
 * close; _ and ~ do not open inside a word.
 *
 * @param {string} text
 * @param {number} i
 * @param {Lookup} at
 * @returns {{tag: string, from: number, to: number, end: number}|null}
 */
function emphasisAt(text, i, at) {
  const c = text[i];
  if (c !== '*' && ALNUM.test(i === 0 ? ' ' : text[i - 1])) return null;
  if (text[i + 1] === c && isNonSpace(text[i + 2])) {
    const close = at.next(c + c, i + 3);
    if (close < text.length) return { tag: c === '~' ? 'del' : 'strong', from: i + 2, to: close, end: close + 2 };
  }
  if (c === '~' || text[i + 1] === c || !isNonSpace(text[i + 1])) return null;
  const close = at.next(c, i + 1);
  const after = c === '*' ? text[close + 1] === '*' : alnumAt(text, close + 1);
  if (close < text.length && !isSpace(text[close - 1]) && !after) return { tag: 'em', from: i + 1, to: close, end: close + 1 };
  if (c === '*' && text[i + 2] === '*') return { tag: 'em', from: i + 1, to: i + 2, end: i + 3 };
  return null;
}

/**
 * @param {string} href a URL that passed {@link safeUrl}
 * @param {string|null} label Markdown label, or null to fill in later
 * @param {number} depth
 * @returns {HTMLAnchorElement}
 */
function link(href, label, depth) {
  const a = document.createElement('a');
  a.href = href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  if (label !== null) renderInline(label, a, depth + 1, true);
  return a;
}

/**
 * The positions the inline reader looks for, by name: MARKS[name](s, p) is
 * the first index at or after p where that kind of position is, or the
 * length of s.
 *
 * @type {Object<string, (s: string, p: number) => number>}
 */
const MARKS = {
  ']': (s, p) => found(s.indexOf(']', p), s),
  '"': (s, p) => found(s.indexOf('"', p), s),
  '\n': (s, p) => found(s.indexOf('\n', p), s),
  '*': (s, p) => found(s.indexOf('*', p), s),
  _: (s, p) => found(s.indexOf('_', p), s),
  nonspace: (s, p) => {
    while (p < s.length && isSpace(s[p])) p++;
    return p;
  },
  // where a link address ends: [^()\s<>]+
  addressEnd: (s, p) => {
    while (p < s.length && !'()<>'.includes(s[p]) && !isSpace(s[p])) p++;
    return p;
  },
  // where a bare address ends: [^\s<>"]+
  autolinkEnd: (s, p) => {
    while (p < s.length && !'<>"'.includes(s[p]) && !isSpace(s[p])) p++;
    return p;
  },
  // URL parsing skips any number of / and \ after "http:"
  slashesEnd: (s, p) => {
    while (s[p] === '/' || s[p] === '\\') p++;
    return p;
  },
  authorityEnd: (s, p) => {
    while (p < s.length && !'/\\?#'.includes(s[p])) p++;
    return p;
  },
  // closing markers: after a non-space; ** not followed by a third *, __
  // not followed by a letter or digit
  '~~': (s, p) => closer(s, p, '~~', () => true),
  '**': (s, p) => closer(s, p, '**', (q) => s[q + 2] !== '*'),
  __: (s, p) => closer(s, p, '__', (q) => !alnumAt(s, q + 2)),
};

/**
 * @param {number} index what indexOf found
 * @param {string} s
 * @returns {number} index, or the length of s for "not found"
 */
function found(index, s) {
  return index < 0 ? s.length : index;
}

/**
 * Returns the first index at or after p where marker closes emphasis: after
 * a non-space, and where ok holds; or the length of s.
 *
 * @param {string} s
 * @param {number} p
 * @param {string} marker
 * @param {(q: number) => boolean} ok
 * @returns {number}
 */
function closer(s, p, marker, ok) {
  for (let q = s.indexOf(marker, p); q >= 0; q = s.indexOf(marker, q + 1)) {
    // in a run of *s only the last two may close: skip to them
    if (marker === '**') q = skipRun(s, q, '*') - 2;
    if (isNonSpace(s[q - 1]) && ok(q)) return q;
  }
  return s.length;
}

/**
 * Lookup answers the inline reader's searches over one string. A search
 * first scans ahead directly, which is quickest for ordinary text where the
 * closing marker is near. Once the scans for one kind of position have read
 * as many characters as the string has, it builds a table of that kind in
 * one pass and answers from it in constant time. So a line full of openers
 * without a closer costs at most three passes per kind of marker, instead
 * of a scan to the end of the line per opener, which is what made the
 * renderer quadratic or worse.
 */
class Lookup {
  /** @param {string} text */
  constructor(text) {
    this.text = text;
    /** @type {Map<string, Int32Array>|null} */
    this.tables = null;
    /** @type {Map<string, number>|null} characters a kind may still scan directly */
    this.budget = null;
    /** @type {Map<number, number[]>|null} starts of the backtick runs, by length */
    this.runs = null;
    /** @type {Map<number, {href: string, end: number}|null>|null} a link's target, by its "]" */
    this.targets = null;
    /** the last bare address's end before and after trailing punctuation */
    this.trimmedStop = -1;
    this.trimmedEnd = -1;
  }

  /**
   * Returns the first index at or after from where MARKS[name] finds its
   * kind of position, or the length of the text.
   *
   * @param {string} name
   * @param {number} from
   * @returns {number}
   */
  next(name, from) {
    const s = this.text;
    const n = s.length;
    if (from >= n) return n;
    this.tables ??= new Map();
    this.budget ??= new Map();
    let table = this.tables.get(name);
    if (!table) {
      const scan = MARKS[name];
      const p = scan(s, from);
      const budget = (this.budget.get(name) ?? n) - (p - from);
      this.budget.set(name, budget);
      if (budget >= 0) return p;
      // scanned as far as the text is long: from now on, look it up
      table = new Int32Array(n + 1);
      for (let q = 0; q <= n; ) {
        const at = scan(s, q);
        table.fill(at, q, at + 1);
        q = at + 1;
      }
      this.tables.set(name, table);
    }
    return table[from];
  }

  /**
   * Returns the start of the first run of exactly length backticks that
   * starts at or after from, or -1.
   *
   * @param {number} length
   * @param {number} from
   * @returns {number}
   */
  backtickRun(length, from) {
    if (!this.runs) {
      this.runs = new Map();
      const s = this.text;
      for (let p = 0; p < s.length; ) {
        if (s[p] !== '`') {
          p++;
          continue;
        }
        const end = skipRun(s, p, '`');
        const starts = this.runs.get(end - p) || [];
        starts.push(p);
        this.runs.set(end - p, starts);
        p = end;
      }
    }
    const starts = this.runs.get(length);
    if (!starts) return -1;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length ? starts[lo] : -1;
  }
}

/**
 * Reports whether url parses as an absolute URL. URL.parse, where the
 * browser has it, answers without throwing: an exception costs some
 * microseconds, and a hostile line can hold thousands of bad addresses.
 *
 * @param {string} url
 * @returns {boolean}
 */
function parses(url) {
  if (URL.parse) return URL.parse(url) !== null;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {string|undefined} ch one character, or undefined past the end
 * @returns {boolean}
 */
function isSpace(ch) {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  // the ASCII whitespace of \s without a regular expression: most text
  return code < 128 ? code === 32 || (code >= 9 && code <= 13) : SPACE.test(ch);
}

/**
 * @param {string|undefined} ch one character, or undefined past the end
 * @returns {boolean}
 */
function isNonSpace(ch) {
  return ch !== undefined && !isSpace(ch);
}

/**
 * Reports whether the character (code point) at s[p] is a letter or digit.
 *
 * @param {string} s
 * @param {number} p
 * @returns {boolean}
 */
function alnumAt(s, p) {
  return p < s.length && ALNUM.test(String.fromCodePoint(/** @type {number} */ (s.codePointAt(p))));
}

/**
 * Returns the index of the first non-whitespace character at or after i.
 *
 * @param {string} s
 * @param {number} i
 * @returns {number}
 */
function skipSpace(s, i) {
  while (i < s.length && isSpace(s[i])) i++;
  return i;
}

/**
 * Returns the index after the run of ch that starts at i.
 *
 * @param {string} s
 * @param {number} i
 * @param {string} ch
 * @returns {number}
 */
function skipRun(s, i, ch) {
  while (s[i] === ch) i++;
  return i;
}
