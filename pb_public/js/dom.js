// Safe DOM building: every string becomes a text node or an attribute value,
// never markup. Nothing in the app assigns innerHTML, and the page's
// Content-Security-Policy (Trusted Types) would refuse it if anything did.

/**
 * @typedef {Object<string, any>} Attrs
 * Attributes and properties for {@link h}:
 * - `class`: a string or an array of strings (falsy entries are skipped);
 * - `on`: an object of event listeners (`{click: fn}`);
 * - `dataset`: an object of data-* values;
 * - `value`, `checked`, `disabled`, `hidden`, `selected`, `required`,
 *   `multiple`, `open`: set as properties;
 * - anything else: set as an attribute when not null/undefined/false
 *   (`true` gives an empty attribute).
 */

const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'required', 'multiple', 'open', 'readOnly']);

/**
 * Creates an element with attributes and children.
 *
 * @param {string} tag the element name ("div", "button", …)
 * @param {Attrs|null} [attrs] attributes, properties and listeners
 * @param {...any} children strings, numbers, nodes, arrays of them; null,
 *   undefined and false are skipped
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) {
        if (PROPS.has(key) && value === false) el[key] = false;
        continue;
      }
      if (key === 'class') {
        const list = Array.isArray(value) ? value.filter(Boolean) : [value];
        if (list.length) el.className = list.join(' ');
      } else if (key === 'on') {
        for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
      } else if (key === 'dataset') {
        for (const [k, v] of Object.entries(value)) {
          if (v !== null && v !== undefined) el.dataset[k] = String(v);
        }
      } else if (PROPS.has(key)) {
        el[key] = value;
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

/**
 * Appends children (strings become text nodes) to a parent node.
 *
 * @param {Node} parent
 * @param {any[]} children
 * @returns {Node} the parent
 */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/**
 * Replaces all children of a node.
 *
 * @param {Node} parent
 * @param {...any} children as for {@link h}
 * @returns {Node} the parent
 */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/**
 * Returns a function that runs fn once calls have stopped for wait ms.
 *
 * @template {any[]} A
 * @param {(...args: A) => void} fn
 * @param {number} wait milliseconds
 * @returns {(...args: A) => void}
 */
export function debounce(fn, wait) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

/**
 * Reads a form's named controls into a plain object (files excluded).
 *
 * @param {HTMLFormElement} form
 * @returns {Object<string, string>}
 */
export function formValues(form) {
  /** @type {Object<string, string>} */
  const out = {};
  for (const [key, value] of new FormData(form)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/**
 * Scrolls the main area so el is at its top and optionally focuses a
 * control in it. Unlike scrollIntoView it scrolls only the main area: the
 * page itself (header, navigation) never moves.
 *
 * @param {HTMLElement} el
 * @param {HTMLElement|null} [focus]
 */
export function reveal(el, focus) {
  const main = document.getElementById('main');
  focus?.focus({ preventScroll: true });
  if (!main || !main.contains(el)) return;
  const top = el.getBoundingClientRect().top - main.getBoundingClientRect().top + main.scrollTop - 12;
  main.scrollTo({ top: Math.max(0, top) });
}
