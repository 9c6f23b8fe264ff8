// Search (#/search, #/search/<words>): one box over posts, comments, wiki
// pages and tasks, as the server finds them for the reader (only what they
// may read), grouped by kind. It searches while typing, after a pause; while
// offline it asks nothing and says why, and searches once the connection
// is back.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { getState, subscribe } from '../../store.js';
import { describeError } from '../../errors.js';
import { loading } from '../../components/ui.js';
import { searchResults, KINDS } from './search-results.js';

/** Fewer characters than this are not searched. */
const MIN_LENGTH = 2;
const MAX_LENGTH = 200;
const PAUSE = 350;

/**
 * Mounts the search screen.
 *
 * @param {HTMLElement} el the screen container
 * @param {{q?: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { q = '' }) {
  let destroyed = false;
  let asked = 0;
  let lastSearched = null;

  const input = h('input', {
    id: 'search-q',
    name: 'q',
    type: 'search',
    maxlength: MAX_LENGTH,
    autocomplete: 'off',
    enterkeyhint: 'search',
    dataset: { test: 'search-input' },
    'aria-describedby': 'search-hint',
  });
  input.value = q.slice(0, MAX_LENGTH);
  const kind = h(
    'select',
    { id: 'search-kind', name: 'kind', dataset: { test: 'search-kind' } },
    h('option', { value: '' }, t('search.kind.all')),
    KINDS.map((k) => h('option', { value: k }, t('search.kind.' + k)))
  );
  const form = h(
    'form',
    { class: 'search-form card', role: 'search', dataset: { test: 'search-form' }, 'aria-label': t('search.title') },
    h(
      'div',
      { class: 'search-fields' },
      h('div', { class: 'field search-field' }, h('label', { for: 'search-q' }, t('search.label')), input),
      h('div', { class: 'field' }, h('label', { for: 'search-kind' }, t('search.kindLabel')), kind),
      h('button', { type: 'submit', class: 'btn btn-primary search-submit' }, t('search.submit'))
    ),
    h('p', { class: 'hint', id: 'search-hint' }, t('search.hint'))
  );
  const status = h('div', { class: 'search-status', 'aria-live': 'polite' });
  const results = searchResults();
  const root = h(
    'div',
    { class: 'search-screen', dataset: { test: 'search', state: 'idle' } },
    h('div', { class: 'page-head' }, h('h1', null, t('search.title'))),
    form,
    status,
    results.el
  );
  el.append(root);
  results.el.hidden = true;

  function setState(state) {
    root.dataset.state = state;
    root.setAttribute('aria-busy', String(state === 'loading'));
  }

  async function run(force = false) {
    const words = input.value.trim();
    const key = words + '\u0000' + kind.value;
    if (!force && key === lastSearched) return;
    // the address says what was searched, without a new history entry or
    // a new screen (which would take the focus from the box)
    const hash = words ? '#/search/' + encodeURIComponent(words) : '#/search';
    if (location.hash !== hash) history.replaceState(null, '', hash);

    if (words.length < MIN_LENGTH) {
      lastSearched = null;
      asked++;
      results.el.hidden = true;
      replace(status, words ? h('p', { class: 'hint' }, t('search.tooShort', { min: MIN_LENGTH })) : null);
      setState('idle');
      return;
    }
    if (!getState().online) {
      lastSearched = null;
      asked++;
      results.el.hidden = true;
      replace(status, h('p', { class: 'state', dataset: { test: 'search-offline' } }, t('search.offline')));
      setState('offline');
      return;
    }
    lastSearched = key;
    const mine = ++asked;
    setState('loading');
    replace(status, loading(t('search.searching')));
    try {
      /** @type {Object<string, string>} */
      const query = { q: words };
      if (kind.value) query.kind = kind.value;
      const result = await pb.send('/api/buurtplein/search', { query });
      if (destroyed || mine !== asked) return;
      replace(status);
      results.update(result);
      results.el.hidden = false;
      setState('ready');
    } catch (err) {
      if (destroyed || mine !== asked) return;
      lastSearched = null;
      const problem = describeError(err, 'search');
      results.el.hidden = true;
      replace(status, h('p', { class: 'state state-error', role: 'alert', dataset: { test: 'search-error', code: problem.code || String(problem.status) } }, problem.message));
      setState('error');
    }
  }

  const runSoon = debounce(() => !destroyed && run(), PAUSE);
  input.addEventListener('input', runSoon);
  kind.addEventListener('change', () => run());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run(true);
  });

  const unsubscribe = subscribe((state, changed) => {
    if (!changed.includes('online') || destroyed) return;
    // back online: search what is in the box; gone offline: say so
    if (state.online) run(true);
    else if (root.dataset.state !== 'ready') run(true);
  });

  input.focus({ preventScroll: true });
  if (input.value.trim()) run();

  return () => {
    destroyed = true;
    unsubscribe();
  };
}
