// BOB's saved replies ("standaardantwoorden", #/bob/saved, BOB staff only):
// add, change and remove the texts the reply form inserts. Colleagues'
// changes arrive live on BOB's team topic.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { loading, loadError, errorLine, showError, markFields, toast } from '../../components/ui.js';
import { mountScreen, bobTabs, confirmBox, CATEGORIES } from './model.js';

/**
 * Mounts the saved replies.
 *
 * @param {HTMLElement} el
 * @returns {() => void} cleanup
 */
export function mount(el) {
  return mountScreen(el, { staffOnly: true }, show);

  /** @param {import('../../live.js').Live} live */
  function show(live) {
    const root = h('section', { class: 'bob-saved', dataset: { test: 'saved-replies', state: 'loading' } });
    const listBox = h('div', null, loading());
    replace(el, h('div', { class: 'page-head' }, h('h1', null, t('bob.saved.title')), h('p', { class: 'page-sub' }, t('bob.saved.intro'))), bobTabs('saved'), root);
    replace(root, h('details', { class: 'card disclosure', dataset: { test: 'saved-new' } }, h('summary', null, h('h2', null, t('bob.saved.new'))), savedForm(null, load)), listBox);

    async function load() {
      try {
        const items = await pb.collection('saved_replies').getFullList({ sort: 'title' });
        if (live.destroyed) return;
        // an open form keeps what is typed in it
        if (listBox.querySelector('details[open]')) return;
        replace(
          listBox,
          items.length
            ? h(
                'ul',
                { class: 'bob-list' },
                items.map((s) =>
                  h(
                    'li',
                    { class: 'bob-row', dataset: { test: 'saved-reply', id: s.id } },
                    h('details', { class: 'disclosure' }, h('summary', null, h('span', { class: 'bob-row-title' }, s.title, s.category && h('span', { class: 'badge bob-category' }, t('bob.category.' + s.category)))), savedForm(s, load))
                  )
                )
              )
            : h('p', { class: 'state state-empty' }, t('bob.saved.empty'))
        );
        root.dataset.state = 'ready';
      } catch (err) {
        if (live.destroyed) return;
        root.dataset.state = 'error';
        replace(listBox, loadError(err, load));
      }
    }
    live.mark(root, [live.on('saved_replies', '*', debounce(load, 150)), live.onReconnect(load)]);
    load();
  }
}

/**
 * The form of one saved reply, or of a new one (saved = null).
 *
 * @param {any|null} saved
 * @param {() => void} onSaved
 * @returns {HTMLElement}
 */
function savedForm(saved, onSaved) {
  const key = saved ? saved.id : 'new';
  const error = errorLine();
  const remove =
    saved &&
    h('button', { type: 'button', class: 'btn btn-link btn-danger-link', dataset: { test: 'saved-delete' } }, t('bob.saved.delete'));
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'bob-saved-form', dataset: { test: 'saved-form' }, novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'saved-title-' + key }, t('bob.saved.fieldTitle')), h('input', { id: 'saved-title-' + key, name: 'title', type: 'text', required: true, maxlength: 120, value: saved?.title || '' })),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'saved-category-' + key }, t('bob.saved.fieldCategory')),
        h('select', { id: 'saved-category-' + key, name: 'category' }, h('option', { value: '' }, t('bob.saved.anyCategory')), CATEGORIES.map((c) => h('option', { value: c, selected: saved?.category === c }, t('bob.category.' + c))))
      ),
      h('div', { class: 'field' }, h('label', { for: 'saved-body-' + key }, t('bob.saved.fieldBody')), h('textarea', { id: 'saved-body-' + key, name: 'body', rows: 6, required: true, maxlength: 10000, value: saved?.body || '' })),
      error,
      h('div', { class: 'form-actions' }, remove, h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'saved-save' } }, t('bob.saved.save')))
    )
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError(error, '');
    const data = Object.fromEntries(new FormData(form));
    try {
      if (saved) await pb.collection('saved_replies').update(saved.id, data);
      else await pb.collection('saved_replies').create({ ...data, created_by: currentUser()?.id || '' });
      toast(t('bob.saved.saved'));
      form.closest('details')?.removeAttribute('open');
      if (!saved) form.reset();
      onSaved();
    } catch (err) {
      const problem = describeError(err, 'savedReply');
      markFields(form, problem.fields);
      showError(error, problem.message);
    }
  });
  remove?.addEventListener('click', () => {
    remove.hidden = true;
    form.append(
      confirmBox({
        question: t('bob.saved.confirmDelete', { title: saved.title }),
        yes: t('bob.saved.delete'),
        test: 'saved-delete-confirm',
        onNo: () => (remove.hidden = false),
        onYes: async () => {
          try {
            await pb.collection('saved_replies').delete(saved.id);
            toast(t('bob.saved.deleted'));
            form.closest('details')?.removeAttribute('open');
            onSaved();
          } catch (err) {
            remove.hidden = false;
            showError(error, describeError(err, 'savedReply').message);
          }
        },
      })
    );
  });
  return form;
}
