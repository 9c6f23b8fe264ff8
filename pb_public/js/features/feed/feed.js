// The organisation feed (#/feed): everything shared with the whole
// organisation, from every team and from no team.

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { createFeed } from './feed-list.js';

/**
 * Mounts the organisation feed.
 *
 * @param {HTMLElement} el the screen container
 * @returns {() => void} cleanup
 */
export function mount(el) {
  const feed = createFeed({ team: null });
  el.append(
    h('div', { class: 'page-head' }, h('h1', null, t('feed.organisationTitle')), h('p', { class: 'page-sub' }, t('feed.organisationIntro'))),
    feed.el
  );
  return () => feed.destroy();
}
