// "Vraag het BOB" (#/bob): my teams' questions to BOB, newest activity
// first, and the form to ask one. BOB staff land in their workspace
// instead. New questions and changes arrive live on my teams' topics.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { loading, loadError, toast } from '../../components/ui.js';
import { mountScreen, isBOBStaff, askingTeams, bobTabs, questionHash, QUESTION_EXPAND } from './model.js';
import { questionList } from './question-list.js';
import { askForm } from './ask-form.js';

/**
 * Mounts "Vraag het BOB".
 *
 * @param {HTMLElement} el
 * @returns {() => void} cleanup
 */
export function mount(el) {
  return mountScreen(el, {}, (live) => {
    if (isBOBStaff()) location.replace('#/bob/desk');
    else show(el, live);
  });
}

/**
 * Shows my teams' questions and the ask form.
 *
 * @param {HTMLElement} el
 * @param {import('../../live.js').Live} live
 */
function show(el, live) {
  const root = h('section', { class: 'bob-questions', dataset: { test: 'my-questions', state: 'loading' } });
  const list = questionList({ staff: false, empty: t('bob.questions.empty') });
  const listBox = h('div', null, loading());
  const ask = h(
    'details',
    { class: 'card disclosure bob-ask-box', dataset: { test: 'ask' } },
    h('summary', null, h('h2', null, t('bob.ask.title'))),
    askingTeams().length
      ? askForm({
          onAsked: (q) => {
            toast(t('bob.ask.sent'));
            location.hash = questionHash(q.id);
          },
        }).el
      : h('p', { class: 'hint' }, t('bob.ask.noTeam'))
  );
  replace(
    el,
    h('div', { class: 'page-head' }, h('h1', null, t('bob.questions.title')), h('p', { class: 'page-sub' }, t('bob.questions.intro'))),
    bobTabs('questions'),
    root
  );
  replace(root, ask, h('h2', { class: 'bob-section-title' }, t('bob.questions.heading')), listBox);

  async function load() {
    try {
      const res = await pb.collection('questions').getList(1, 100, { sort: '-updated', expand: QUESTION_EXPAND, skipTotal: true });
      if (live.destroyed) return;
      list.update(res.items);
      replace(listBox, list.el);
      root.dataset.state = 'ready';
    } catch (err) {
      if (live.destroyed) return;
      root.dataset.state = 'error';
      replace(listBox, loadError(err, load));
    }
  }
  const reload = debounce(load, 150);
  live.mark(root, [live.on('questions', '*', reload), live.onReconnect(load)]);
  load();
}
