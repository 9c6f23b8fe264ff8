// The must-read banner on top of a feed: what the signed-in employee has
// yet to read and confirm, each with "Gelezen en begrepen". A team's feed
// shows that team's posts, the organisation feed the organisation's posts
// (and those of teams one is not in); protocol pages show on every feed,
// so they are on top of whichever feed one opens. A confirmed item leaves
// the banner at once. The organisation feed also names the teams whose
// feeds hold more, so its count is the count on the feed tab.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { getState, subscribe, membershipOf } from '../../store.js';
import { renderMarkdown } from '../../markdown.js';
import { parseDate } from '../../format.js';
import { describeError } from '../../errors.js';
import { announce, loadError, loading, toast, timeAgo } from '../../components/ui.js';
import { confirmRead, itemKey, maySeeItemReaders, readersRoute } from './model.js';

/** @typedef {import('../../store.js').MustReadItem} MustReadItem */

/**
 * Creates the must-read banner of a feed ([data-test=mustread], hidden
 * when there is nothing to confirm).
 *
 * @param {{team: any|null}} options the feed's team, or null for the organisation feed
 * @returns {{el: HTMLElement, destroy: () => void}}
 */
export function createMustReadBanner({ team }) {
  const uid = team ? team.slug : 'organisation';
  const headingId = 'mustread-heading-' + uid;
  const heading = h('h2', { id: headingId, class: 'mustread-heading', tabindex: '-1' });
  const list = h('ul', { class: 'mustread-list' });
  const elsewhere = h('p', { class: 'mustread-elsewhere', dataset: { test: 'mustread-elsewhere' }, hidden: true });
  const el = h(
    'section',
    { class: 'mustread card', dataset: { test: 'mustread' }, 'aria-labelledby': headingId, hidden: true },
    heading,
    h('p', { class: 'mustread-intro' }, t('mustread.intro')),
    list,
    elsewhere
  );

  /** @type {Map<string, HTMLElement>} key -> its list item, kept across renders (an opened post stays open) */
  const shown = new Map();
  /** the last one was confirmed here: the banner says so (and keeps the keyboard) until the feed is left */
  let done = false;

  /** @param {MustReadItem} item */
  const concerns = (item) => {
    if (item.collection === 'wiki_pages') return true;
    if (team) return item.team === team.id;
    return !item.team || !membershipOf(item.team);
  };

  function render() {
    const items = getState().mustread.filter(concerns);
    const keys = new Set(items.map((i) => itemKey(i.collection, i.id)));
    for (const [key, li] of shown) {
      if (!keys.has(key)) {
        li.remove();
        shown.delete(key);
      }
    }
    items.forEach((item, n) => {
      const key = itemKey(item.collection, item.id);
      let li = shown.get(key);
      if (!li || li.dataset.revision !== String(item.revision)) {
        const next = renderItem(item);
        li?.replaceWith(next);
        li = next;
        shown.set(key, li);
      }
      if (list.children[n] !== li) list.insertBefore(li, list.children[n] || null);
    });
    const others = team ? 0 : renderElsewhere();
    const total = items.length + others;
    if (total) done = false;
    heading.textContent = total || !done ? t('mustread.heading', { n: total }) : t('mustread.allDone');
    el.classList.toggle('is-done', !total && done);
    el.hidden = total === 0 && !done;
    // the browser tests wait for it before counting on an empty banner
    el.dataset.loaded = getState().mustreadAt > 0 ? 'true' : 'false';
  }

  /**
   * Names the teams of mine whose feeds hold must-read posts (the
   * organisation feed's banner), with a link to each.
   *
   * @returns {number} how many must-reads they hold
   */
  function renderElsewhere() {
    /** @type {Map<string, number>} */
    const perTeam = new Map();
    for (const item of getState().mustread) {
      if (item.collection === 'posts' && item.team && membershipOf(item.team)) perTeam.set(item.team, (perTeam.get(item.team) || 0) + 1);
    }
    const links = [...perTeam].map(([teamId, n]) => {
      const teamRecord = membershipOf(teamId)?.expand?.team;
      return h('a', { href: '#/team/' + encodeURIComponent(teamRecord?.slug || ''), dataset: { test: 'mustread-team', team: teamRecord?.slug || '' } }, t('mustread.inTeam', { team: teamRecord?.name || '', n }));
    });
    replace(elsewhere, links.length > 0 && t('mustread.elsewhere'), links.length > 0 && ' ', links.flatMap((a, i) => (i ? [', ', a] : [a])));
    elsewhere.hidden = links.length === 0;
    return [...perTeam.values()].reduce((a, b) => a + b, 0);
  }

  /** @param {MustReadItem} item */
  function renderItem(item) {
    const page = item.collection === 'wiki_pages';
    const titleId = 'mustread-title-' + uid + '-' + item.id;
    const updated = parseDate(item.updated);
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const button = h('button', { type: 'button', class: 'btn btn-primary btn-small', dataset: { test: 'mustread-confirm' }, 'aria-describedby': titleId }, t('mustread.confirm'));

    button.addEventListener('click', async () => {
      if (button.disabled) return;
      button.disabled = true;
      error.hidden = true;
      // the item leaves at once: keep the keyboard in the banner
      const next = li.nextElementSibling || li.previousElementSibling;
      const focusTarget = /** @type {HTMLElement|null} */ (next?.querySelector('[data-test=mustread-confirm]')) || heading;
      const hadFocus = li.contains(document.activeElement);
      done = !next;
      try {
        const confirming = confirmRead(item.collection, item.id);
        if (hadFocus && focusTarget.isConnected) focusTarget.focus({ preventScroll: true });
        await confirming;
        announce(t('mustread.confirmed', { title: item.title }));
      } catch (err) {
        const message = describeError(err, 'confirmRead').message;
        // back in the list (a re-render may have made a new item)
        const back = shown.get(itemKey(item.collection, item.id));
        if (back) {
          const line = back.querySelector('.form-error');
          if (line) {
            line.textContent = message;
            line.hidden = false;
          }
          /** @type {HTMLElement|null} */ (back.querySelector('[data-test=mustread-confirm]'))?.focus({ preventScroll: true });
        } else {
          toast(message, 'error');
        }
      } finally {
        button.disabled = false;
      }
    });

    const li = h(
      'li',
      { class: 'mustread-item', dataset: { test: 'mustread-item', collection: item.collection, id: item.id, revision: String(item.revision) } },
      h(
        'p',
        { class: 'mustread-kind' },
        page ? t('mustread.kindPage', { n: item.revision }) : t('mustread.kindPost', { team: item.teamName || t('post.organisation') }),
        updated && h('span', { 'aria-hidden': 'true' }, ' · '),
        updated && timeAgo(updated)
      ),
      h(
        'h3',
        { class: 'mustread-title', id: titleId, dataset: { test: 'mustread-title' } },
        item.title || t('mustread.untitled')
      ),
      !page && postReader(item),
      h(
        'div',
        { class: 'mustread-actions' },
        button,
        page && h('a', { class: 'btn btn-secondary btn-small', href: '#/wiki/' + encodeURIComponent(item.id), dataset: { test: 'mustread-open' }, 'aria-describedby': titleId }, t('mustread.openPage')),
        maySeeItemReaders(item) && h('a', { class: 'btn-link', href: readersRoute(item.collection, item.id), dataset: { test: 'mustread-readers' }, 'aria-describedby': titleId }, t('mustread.readers'))
      ),
      error
    );
    return li;
  }

  const unsubscribe = subscribe((state, changed) => {
    if (changed.includes('mustread') || changed.includes('mustreadAt') || changed.includes('memberships')) render();
  });
  render();

  return { el, destroy: unsubscribe };
}

/**
 * The text of a must-read post, folded: read when opened, so a list of
 * must-reads costs nothing until one is opened.
 *
 * @param {MustReadItem} item
 * @returns {HTMLElement}
 */
function postReader(item) {
  const body = h('div', { class: 'mustread-post prose' });
  let loaded = false;
  const details = h('details', { class: 'mustread-read' }, h('summary', { dataset: { test: 'mustread-open' } }, t('mustread.readPost')), body);
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    replace(body, loading());
    try {
      const post = await pb.collection('posts').getOne(item.id, { fields: 'id,title,body' });
      replace(body, renderMarkdown(post.body));
    } catch (err) {
      loaded = false;
      replace(body, loadError(err));
    }
  });
  return details;
}
