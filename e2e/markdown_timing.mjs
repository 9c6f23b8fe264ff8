// Times the PWA's Markdown renderer on the adversarial bodies of the fuzz
// seed corpus (testdata/fuzz/FuzzMarkdown/slow-*), in Node with a minimal
// DOM, at growing sizes: a linear renderer doubles its time with the size,
// a quadratic one quadruples it. A size that takes more than a second ends
// that body's row, so an old, cubic renderer finishes too.
//
//	node e2e/markdown_timing.mjs [renderer.js]
//
// The renderer defaults to pb_public/js/markdown.js. Each time is the best
// of three renders, in milliseconds. The browser tests (markdown_fuzz_test.go)
// are what hold the renderer to its bound; this is for comparing versions.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] || join(here, '..', 'pb_public', 'js', 'markdown.js');

// just enough DOM for the renderer: elements, text nodes, attributes
class Parent {
  childNodes = [];
  append(...nodes) {
    this.childNodes.push(...nodes);
  }
  get textContent() {
    return this.childNodes.map((n) => n.textContent).join('');
  }
  set textContent(text) {
    this.childNodes = [{ textContent: String(text) }];
  }
}
class Element extends Parent {
  setAttribute(name, value) {
    this[name] = String(value);
  }
}
globalThis.document = {
  createDocumentFragment: () => new Parent(),
  createElement: () => new Element(),
  createTextNode: (text) => ({ textContent: text }),
};

// a data: URL is an ES module whatever the file is called
const source = readFileSync(file, 'utf8');
const { renderMarkdown } = await import('data:text/javascript;base64,' + Buffer.from(source).toString('base64'));

const corpus = join(here, 'testdata', 'fuzz', 'FuzzMarkdown');
const sizes = [1000, 2000, 4000, 8000, 20000];
console.log(['body'.padEnd(30), ...sizes.map((n) => String(n).padStart(9))].join(''));
for (const name of readdirSync(corpus).filter((n) => n.startsWith('slow-')).sort()) {
  // a seed file: "go test fuzz v1" and string("…"), JSON-compatible here
  const literal = readFileSync(join(corpus, name), 'utf8').split('\n')[1].replace(/^string\(|\)$/g, '');
  const body = JSON.parse(literal);
  const row = [name.padEnd(30)];
  let slow = false;
  for (const n of sizes) {
    if (slow || n > body.length + 10) {
      row.push('—'.padStart(9));
      continue;
    }
    // keep the head and the tail: the closing "x" of "# x    …    y" matters
    const text = n >= body.length ? body : body.slice(0, n / 2) + body.slice(body.length - n / 2);
    let best = Infinity;
    for (let i = 0; i < 3 && !slow; i++) {
      const start = performance.now();
      renderMarkdown(text);
      best = Math.min(best, performance.now() - start);
      slow = best > 1000;
    }
    row.push(best.toFixed(1).padStart(9));
  }
  console.log(row.join(''));
}
