// The form to write a post in a team feed or the organisation feed. What is
// typed is kept as a draft in localStorage until the post is placed, so a
// failed request, a reload or a lost connection never loses it.

import { h, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError, markFields, toast } from '../../components/ui.js';
import { attachMentionsOnUse } from './mention-on-use.js';
import { submit as sendWrite } from '../../offline/outbox.js';
import { isBob } from '../mustread/model.js';
import { membershipOf } from '../../store.js';

const MAX_IMAGES = 4;
const MAX_IMAGE_BYTES = 10 << 20;
const MAX_ATTACHMENTS = 4;
const MAX_ATTACHMENT_BYTES = 20 << 20;

/**
 * @typedef {Object} ComposeOptions
 * @property {any|null} team the team record, or null for the organisation feed
 * @property {(post: any) => void} onCreated called with the new post (expand author, team)
 */

/**
 * Renders the compose form (form[data-test=compose]).
 *
 * @param {ComposeOptions} options
 * @returns {HTMLFormElement}
 */
export function createCompose({ team, onCreated }) {
  const me = currentUser();
  const draftKey = `buurtplein.draft.${me?.id || 'anon'}.${team ? team.id : 'organisation'}`;
  const uid = Math.random().toString(36).slice(2, 8);
  const ids = { title: 'compose-title-' + uid, body: 'compose-body-' + uid, vis: 'compose-vis-' + uid, img: 'compose-img-' + uid, pdf: 'compose-pdf-' + uid, must: 'compose-must-' + uid };
  // a must-read asks everyone it is for to confirm it: a coordinator's
  // word to their team, BOB's to the organisation
  const mayAskMustRead = (team && membershipOf(team.id)?.role === 'coordinator') || isBob();

  const error = errorLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('compose.submit'));
  const fileInput = h('input', { type: 'file', id: ids.img, name: 'images', accept: 'image/jpeg,image/png,image/gif,image/webp', multiple: true, class: 'file-input' });
  const fileNote = h('p', { class: 'hint', 'aria-live': 'polite' });
  const pdfInput = h('input', { type: 'file', id: ids.pdf, name: 'attachments', accept: 'application/pdf,.pdf', multiple: true, class: 'file-input', dataset: { test: 'compose-attachments' } });
  const pdfNote = h('p', { class: 'hint', 'aria-live': 'polite' });

  const kindField = h(
    'fieldset',
    { class: 'segmented' },
    h('legend', { class: 'visually-hidden' }, t('compose.kind')),
    ['update', 'blog'].map((kind) =>
      h(
        'label',
        { class: 'segment' },
        h('input', { type: 'radio', name: 'kind', value: kind, checked: kind === 'update' }),
        h('span', null, t('post.kind.' + kind))
      )
    )
  );

  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      // on a phone it starts as one line, "Wat wil je delen?", and unfolds
      // when that line is used (the CSS folds it below 600 px only)
      { class: 'compose card is-collapsed', dataset: { test: 'compose' }, novalidate: true, 'aria-labelledby': 'compose-heading-' + uid },
      h('h2', { class: 'compose-heading', id: 'compose-heading-' + uid }, team ? t('compose.headingTeam', { team: team.name }) : t('compose.headingOrganisation')),
      h('div', { class: 'field compose-more' }, h('label', { for: ids.title }, t('compose.title'), ' ', h('span', { class: 'optional' }, t('common.optional'))), h('input', { id: ids.title, name: 'title', type: 'text', maxlength: 200, autocomplete: 'off' })),
      h(
        'div',
        { class: 'field compose-body' },
        h('label', { for: ids.body }, t('compose.body')),
        h('textarea', { id: ids.body, name: 'body', rows: 3, maxlength: 20000, required: true, placeholder: t('compose.bodyPlaceholder') }),
        h('p', { class: 'hint compose-more' }, t('compose.markdownHint')),
        h('p', { class: 'hint compose-more' }, t('compose.mentionHint'))
      ),
      h(
        'div',
        { class: 'compose-options compose-more' },
        h('div', { class: 'field' }, h('span', { class: 'label', 'aria-hidden': 'true' }, t('compose.kind')), kindField),
        team &&
          h(
            'div',
            { class: 'field' },
            h('label', { for: ids.vis }, t('compose.visibility')),
            h(
              'select',
              { id: ids.vis, name: 'visibility' },
              h('option', { value: 'team', selected: true }, t('compose.visibilityTeam')),
              h('option', { value: 'organisation' }, t('compose.visibilityOrganisation'))
            )
          ),
        h('div', { class: 'field' }, h('label', { for: ids.img }, t('compose.images'), ' ', h('span', { class: 'optional' }, t('common.optional'))), fileInput, fileNote),
        h('div', { class: 'field' }, h('label', { for: ids.pdf }, t('compose.attachments'), ' ', h('span', { class: 'optional' }, t('common.optional'))), pdfInput, pdfNote),
        mayAskMustRead &&
          h(
            'div',
            { class: 'field field-check' },
            h('input', { type: 'checkbox', id: ids.must, name: 'must_read', value: 'true', dataset: { test: 'compose-must-read' }, 'aria-describedby': ids.must + '-hint' }),
            h('label', { for: ids.must }, t('compose.mustRead')),
            h('p', { class: 'hint', id: ids.must + '-hint' }, t('compose.mustReadHint'))
          )
      ),
      error,
      h('div', { class: 'form-actions compose-more' }, submit)
    )
  );
  const unfold = () => form.classList.remove('is-collapsed');
  form.addEventListener('focusin', unfold);
  form.addEventListener('input', unfold);

  // the colleagues who may read it: the team's for a team post, anyone's otherwise
  attachMentionsOnUse(/** @type {HTMLTextAreaElement} */ (form.elements.namedItem('body')), () => {
    const visibility = /** @type {HTMLSelectElement|null} */ (form.elements.namedItem('visibility'));
    return team && (!visibility || visibility.value === 'team') ? team.id : '';
  });

  restoreDraft(form, draftKey);
  if (form.dataset.draft === 'restored') unfold();
  const saveDraft = debounce(() => storeDraft(form, draftKey), 300);
  form.addEventListener('input', saveDraft);
  form.addEventListener('change', saveDraft);

  fileInput.addEventListener('change', () => {
    const files = [...(fileInput.files || [])];
    fileNote.textContent = files.length ? t('compose.imagesChosen', { n: files.length }) : '';
  });
  pdfInput.addEventListener('change', () => {
    const files = [...(pdfInput.files || [])];
    pdfNote.textContent = files.length ? t('compose.attachmentsChosen', { n: files.length }) : '';
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const user = currentUser();
    if (!user) return;

    const values = Object.fromEntries(new FormData(form));
    const body = String(values.body || '');
    const files = [...(fileInput.files || [])];
    const pdfs = [...(pdfInput.files || [])];

    /** @type {Object<string, string>} */
    const local = {};
    if (!body.trim()) local.body = t('errors.codes.validation_required');
    if (files.length > MAX_IMAGES) local.images = t('compose.tooManyImages', { max: MAX_IMAGES });
    if (files.some((f) => f.size > MAX_IMAGE_BYTES)) local.images = t('compose.imageTooLarge');
    if (pdfs.length > MAX_ATTACHMENTS) local.attachments = t('compose.tooManyAttachments', { max: MAX_ATTACHMENTS });
    if (pdfs.some((f) => f.size > MAX_ATTACHMENT_BYTES)) local.attachments = t('compose.attachmentTooLarge');
    if (pdfs.some((f) => f.type !== 'application/pdf' && !/\.pdf$/i.test(f.name))) local.attachments = t('compose.notPdf');
    markFields(form, local);
    if (Object.keys(local).length) {
      showError(error, t('errors.checkFields'));
      /** @type {HTMLElement|null} */ (form.querySelector('[aria-invalid=true]'))?.focus();
      return;
    }

    /** @type {Object<string, any>} */
    const data = {
      team: team ? team.id : '',
      author: user.id,
      kind: String(values.kind || 'update'),
      title: String(values.title || '').trim(),
      body,
      visibility: team ? String(values.visibility || 'team') : 'organisation',
    };
    if (values.must_read === 'true') data.must_read = true;
    // a File is a Blob: the outbox keeps its bytes
    const uploads = [...files.map((f) => ({ field: 'images', f })), ...pdfs.map((f) => ({ field: 'attachments', f }))].map(({ field, f }) => ({ field, name: f.name, type: f.type, blob: f }));

    submit.disabled = true;
    submit.textContent = t('compose.submitting');
    form.setAttribute('aria-busy', 'true');
    showError(error, '');
    try {
      const outcome = await sendWrite({ kind: 'post', collection: 'posts', data, files: uploads, expand: 'author,team', label: data.title || body.slice(0, 80), link: team ? '#/team/' + team.slug : '#/feed', text: 'body' });
      form.reset();
      // reset() goes back to the radios' markup, where none is checked:
      // the next post is an Update again, whatever this one was
      for (const radio of form.querySelectorAll('input[name=kind]')) /** @type {HTMLInputElement} */ (radio).checked = radio.value === 'update';
      fileNote.textContent = '';
      pdfNote.textContent = '';
      markFields(form, {});
      localStorage.removeItem(draftKey);
      // no connection: the post waits in the outbox and is placed later
      toast(outcome.queued ? t('outbox.queued.post') : t('compose.placed'));
      if (!outcome.queued) onCreated(outcome.record);
    } catch (err) {
      // keep everything typed; say what went wrong
      const problem = describeError(err, 'post');
      markFields(form, problem.fields);
      showError(error, problem.message);
      storeDraft(form, draftKey);
    } finally {
      submit.disabled = false;
      submit.textContent = t('compose.submit');
      form.removeAttribute('aria-busy');
    }
  });

  return form;
}

function storeDraft(form, key) {
  const values = Object.fromEntries([...new FormData(form)].filter(([, v]) => typeof v === 'string'));
  try {
    if (String(values.title || '').trim() || String(values.body || '').trim()) {
      localStorage.setItem(key, JSON.stringify(values));
    } else {
      localStorage.removeItem(key);
    }
  } catch {
    // storage full or disabled: the text is still in the form
  }
}

function restoreDraft(form, key) {
  let draft = null;
  try {
    draft = JSON.parse(localStorage.getItem(key) || 'null');
  } catch {
    return;
  }
  if (!draft || typeof draft !== 'object') return;
  for (const name of ['title', 'body', 'visibility']) {
    const control = form.elements.namedItem(name);
    if (control && typeof draft[name] === 'string' && 'value' in control) control.value = draft[name];
  }
  for (const radio of form.querySelectorAll('input[name=kind]')) {
    radio.checked = radio.value === (draft.kind || 'update');
  }
  if (draft.body) form.dataset.draft = 'restored';
}
