// Who has read a must-read (#/readers/posts/<id>, #/readers/wiki_pages/<id>):
// the colleagues who confirmed it (with when) and those who have not yet,
// kept live as confirmations come in, and a reminder for the latter (at
// most once a day, which the server guards). Only the team it is meant for
// (and BOB staff for the whole organisation) may see it; anyone else gets
// a polite "not for you".

import { h, replace, debounce } from '../../dom.js';
import { t, has } from '../../i18n.js';
import { pb } from '../../pb.js';
import { Live } from '../../live.js';
import { parseDate, fullDate, relativeTime } from '../../format.js';
import { describeError } from '../../errors.js';
import { avatar, loading, loadError, announce, toast } from '../../components/ui.js';

const BASES = { posts: '/api/buurtplein/posts/', wiki_pages: '/api/buurtplein/wiki/' };

/** How many names a list shows before "show all": an organisation-wide must-read has thousands. */
const FIRST = 100;

/**
 * Mounts the readers overview.
 *
 * @param {HTMLElement} el the screen container
 * @param {{collection: string, id: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { collection, id }) {
  const base = Object.hasOwn(BASES, collection) && /^\w+$/.test(id) ? BASES[collection] + encodeURIComponent(id) + '/readers' : '';
  const page = collection === 'wiki_pages';
  const back = (page ? '#/wiki/' : '#/post/') + encodeURIComponent(id);

  const subject = h('p', { class: 'page-sub', dataset: { test: 'readers-subject' } });
  const body = h('div', { class: 'readers-body' });
  const root = h(
    'section',
    { class: 'readers', dataset: { test: 'readers', state: 'loading' }, 'aria-labelledby': 'readers-heading', 'aria-busy': 'true' },
    h('div', { class: 'page-head' }, h('h1', { id: 'readers-heading' }, t('readers.title')), subject, h('a', { class: 'btn-link', href: back }, page ? t('readers.backPage') : t('readers.back'))),
    body
  );
  el.append(root);

  const live = new Live();
  if (!base) {
    showProblem(404);
    return () => live.destroy();
  }

  /** @type {any} the last answer, to keep the reminder's result across a live refresh */
  let data = null;
  /** the lists opened in full ("show all"), kept across a live refresh */
  const full = new Set();
  const remindStatus = h('p', { class: 'readers-remind-status', role: 'status', dataset: { test: 'readers-remind-status' } });

  async function loadSubject() {
    try {
      const record = await pb.collection(collection).getOne(id, page ? { fields: 'id,title,revision' } : { fields: 'id,title,expand.author.name', expand: 'author' });
      if (live.destroyed) return;
      const title = record.title || t('post.untitled', { name: record.expand?.author?.name || '' });
      subject.textContent = title;
      document.title = t('readers.title') + ': ' + title + ' · ' + t('app.name');
    } catch {
      // the overview below says why (no access, gone)
    }
  }

  async function load(quiet = false) {
    if (!quiet) {
      root.dataset.state = 'loading';
      root.setAttribute('aria-busy', 'true');
      replace(body, loading());
    }
    try {
      const res = await pb.send(base, { method: 'GET' });
      if (live.destroyed) return;
      data = res;
      render();
      root.dataset.state = 'ready';
    } catch (err) {
      if (live.destroyed) return;
      if (quiet && root.dataset.state === 'ready') return; // keep what shows; the next change tries again
      if (err?.status === 403 || err?.status === 404) showProblem(err.status);
      else {
        root.dataset.state = 'error';
        replace(body, loadError(err, () => load()));
      }
    } finally {
      root.setAttribute('aria-busy', 'false');
    }
  }

  function showProblem(status) {
    root.dataset.state = status === 403 ? 'forbidden' : 'not-found';
    root.setAttribute('aria-busy', 'false');
    replace(
      body,
      h(
        'div',
        { class: 'card notice', dataset: { test: status === 403 ? 'readers-forbidden' : 'readers-not-found' } },
        h('h2', null, status === 403 ? t('readers.forbiddenTitle') : t('readers.notFoundTitle')),
        h('p', null, status === 403 ? t('readers.forbidden') : t('readers.notFound'))
      )
    );
  }

  function render() {
    const confirmed = Array.isArray(data?.confirmed) ? data.confirmed : [];
    const pending = Array.isArray(data?.pending) ? data.pending : [];
    const reminded = parseDate(data?.remindedAt);
    const remind = h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'readers-remind' }, on: { click: () => sendReminder(remind) } }, t('readers.remind'));

    replace(
      body,
      page && Number(data?.revision) > 0 && h('p', { class: 'readers-revision' }, t('readers.revision', { n: Number(data.revision) })),
      h('p', { class: 'readers-summary', dataset: { test: 'readers-summary' } }, t('readers.summary', { n: confirmed.length, total: confirmed.length + pending.length })),
      h(
        'section',
        { class: 'card readers-group', 'aria-labelledby': 'readers-pending-heading' },
        h('h2', { id: 'readers-pending-heading' }, t('readers.pending', { n: pending.length })),
        pending.length ? names('readers-pending', pending, () => '') : h('p', { class: 'state-empty' }, t('readers.nonePending')),
        pending.length > 0 && h('div', { class: 'readers-remind' }, remind, reminded && h('p', { class: 'hint', dataset: { test: 'readers-reminded-at' } }, t('readers.remindedAt', { time: fullDate(reminded) })), remindStatus)
      ),
      h(
        'section',
        { class: 'card readers-group', 'aria-labelledby': 'readers-confirmed-heading' },
        h('h2', { id: 'readers-confirmed-heading' }, t('readers.confirmed', { n: confirmed.length })),
        confirmed.length ? names('readers-confirmed', confirmed, (r) => r.at) : h('p', { class: 'state-empty' }, t('readers.noneConfirmed'))
      )
    );
  }

  /**
   * A list of colleagues: the first ones, and a button for the rest.
   *
   * @param {string} test its data-test
   * @param {any[]} readers
   * @param {(reader: any) => string} at
   * @returns {HTMLElement[]}
   */
  function names(test, readers, at) {
    const all = full.has(test) || readers.length <= FIRST;
    const ul = h('ul', { class: 'readers-list', dataset: { test } }, (all ? readers : readers.slice(0, FIRST)).map((r) => person(r, at(r))));
    const more =
      !all &&
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary btn-block',
          dataset: { test: test + '-all' },
          on: {
            click: () => {
              full.add(test);
              render();
              // the keyboard goes on where the list went on
              const next = /** @type {HTMLElement|null} */ (body.querySelector(`[data-test=${test}]`)?.children[FIRST] || null);
              if (next) {
                next.tabIndex = -1;
                next.focus();
              }
            },
          },
        },
        t('readers.showAll', { n: readers.length })
      );
    return [ul, more];
  }

  /**
   * @param {{user: {id: string, name: string, avatar: string}, at?: string}} reader
   * @param {string} at when they confirmed, "" for not yet
   */
  function person(reader, at) {
    const user = { ...(reader?.user || {}), collectionName: 'users' };
    const when = parseDate(at);
    return h(
      'li',
      { class: 'reader', dataset: { test: 'reader', user: user.id || '', confirmed: when ? 'true' : 'false' } },
      avatar(user, 'sm'),
      h('span', { class: 'reader-name' }, user.name || t('post.unknownAuthor')),
      when && h('time', { class: 'reader-at', datetime: when.toISOString(), title: fullDate(when) }, t('readers.at', { time: relativeTime(when) }))
    );
  }

  async function sendReminder(button) {
    button.disabled = true;
    remindStatus.textContent = '';
    remindStatus.classList.remove('form-error');
    try {
      const res = await pb.send(base + '/remind', { method: 'POST' });
      if (live.destroyed) return;
      const n = Number(res?.notified) || 0;
      toast(t('readers.reminded', { n }));
      await load(true);
    } catch (err) {
      if (live.destroyed) return;
      const problem = describeError(err, 'remind');
      // the server's code says it ("already reminded today"); without one
      // a 429 still means the same
      const known = problem.code && has('errors.codes.' + problem.code);
      const message = !known && err?.status === 429 ? t('readers.remindLimit') : problem.message;
      const line = body.querySelector('.readers-remind-status') || remindStatus;
      line.textContent = message;
      line.classList.add('form-error');
      announce(message);
    } finally {
      button.disabled = false;
    }
  }

  // a flurry of confirmations (an organisation-wide must-read) reads the list once
  const refresh = debounce(() => load(true), 500);
  const mine = (record) => record.post === id || record.page === id;
  const subscriptions = [
    // a confirmation: its reader's and the audience's topics carry it
    live.on('reads', '*', (e) => mine(e.record) && refresh()),
    // a new revision of the page asks everyone again
    live.on(collection, id, (e) => {
      if (e.action === 'delete') showProblem(404);
      else {
        refresh();
        loadSubject();
      }
    }),
    live.onReconnect(() => load(true)),
  ];
  live.mark(root, subscriptions);

  loadSubject();
  load();
  return () => live.destroy();
}
