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

const SAFE_URL = /^(https?:\/\/|mailto:)/i;
const ESCAPABLE = /[\\`*_{}[\]()#+\-.!~>|]/;

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
    const fence = line.match(/^\s*(```|~~~)/);
    if (fence) {
      flushPara();
      const marker = fence[1];
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
    const heading = line.match(/^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (heading) {
      flushPara();
      const level = Math.min(heading[1].length + 2, 6);
      const el = document.createElement('h' + level);
      renderInline(heading[2], el, 0);
      parent.append(el);
      i++;
      continue;
    }

    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flushPara();
      parent.append(document.createElement('hr'));
      i++;
      continue;
    }

    if (/^\s{0,3}>/.test(line)) {
      flushPara();
      const inner = [];
      while (i < lines.length && /^\s{0,3}>/.test(lines[i])) {
        inner.push(lines[i].replace(/^\s{0,3}>\s?/, ''));
        i++;
      }
      const quote = document.createElement('blockquote');
      if (depth < 8) renderBlocks(inner, quote, depth + 1);
      else quote.textContent = inner.join('\n');
      parent.append(quote);
      continue;
    }

    const bullet = /^\s{0,3}[-*+]\s+(.*)$/;
    const ordered = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
    if (bullet.test(line) || ordered.test(line)) {
      flushPara();
      const isOrdered = !bullet.test(line);
      const pattern = isOrdered ? ordered : bullet;
      const list = document.createElement(isOrdered ? 'ol' : 'ul');
      if (isOrdered) {
        const start = parseInt(line.match(ordered)[1], 10);
        if (start !== 1) list.setAttribute('start', String(start));
      }
      /** @type {HTMLLIElement|null} */
      let item = null;
      while (i < lines.length) {
        const m = lines[i].match(pattern);
        if (m) {
          item = document.createElement('li');
          renderInline(isOrdered ? m[2] : m[1], item, 0);
          list.append(item);
          i++;
        } else if (item && lines[i].trim() && /^\s{2,}\S/.test(lines[i])) {
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
 * Renders one line of inline Markdown into parent.
 *
 * @param {string} text
 * @param {Node} parent
 * @param {number} depth nesting of emphasis, bounded
 * @param {boolean} [inLink] inside a link label: make no nested links
 */
function renderInline(text, parent, depth, inLink = false) {
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
    const rest = text.slice(i);

    if (c === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1])) {
      buf += text[i + 1];
      i += 2;
      continue;
    }

    if (c === '`') {
      const m = rest.match(/^(`+)([\s\S]*?[^`])\1(?!`)/);
      if (m) {
        flush();
        const code = document.createElement('code');
        code.textContent = m[2].trim() ? m[2].replace(/^ (.*) $/, '$1') : m[2];
        parent.append(code);
        i += m[0].length;
        continue;
      }
    }

    if (c === '[' && !inLink) {
      const m = rest.match(/^\[([^\]\n]+)\]\(\s*<?([^()\s<>]+)>?(?:\s+"[^"]*")?\s*\)/);
      if (m) {
        const href = safeUrl(m[2]);
        if (href) {
          flush();
          parent.append(link(href, m[1], depth));
          i += m[0].length;
          continue;
        }
      }
    }

    if (!inLink && (c === 'h' || c === 'H') && (i === 0 || /[\s(*_~]/.test(text[i - 1]))) {
      const m = rest.match(/^https?:\/\/[^\s<>"]+/i);
      if (m) {
        const raw = m[0].replace(/[.,;:!?'")\]]+$/, '');
        const href = safeUrl(raw);
        if (href) {
          flush();
          const a = link(href, null, depth);
          a.textContent = raw;
          parent.append(a);
          i += raw.length;
          continue;
        }
      }
    }

    if (c === '*' || c === '_' || c === '~') {
      const before = i === 0 ? ' ' : text[i - 1];
      const m =
        c === '~'
          ? rest.match(/^~~(?=\S)([\s\S]*?\S)~~/)
          : rest.match(c === '*' ? /^\*\*(?=\S)([\s\S]*?\S)\*\*(?!\*)/ : /^__(?=\S)([\s\S]*?\S)__(?![\p{L}\p{N}])/u);
      if (m && (c === '*' || !/[\p{L}\p{N}]/u.test(before))) {
        wrap(c === '~' ? 'del' : 'strong', m[1]);
        i += m[0].length;
        continue;
      }
      if (c !== '~') {
        const em =
          c === '*'
            ? rest.match(/^\*(?=[^\s*])([^*]*?[^\s*])\*(?!\*)/) || rest.match(/^\*([^\s*])\*/)
            : rest.match(/^_(?=[^\s_])([^_]*?[^\s_])_(?![\p{L}\p{N}])/u) || rest.match(/^_([^\s_])_(?![\p{L}\p{N}])/u);
        if (em && (c === '*' || !/[\p{L}\p{N}]/u.test(before))) {
          wrap('em', em[1]);
          i += em[0].length;
          continue;
        }
      }
    }

    buf += c;
    i++;
  }
  flush();
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
