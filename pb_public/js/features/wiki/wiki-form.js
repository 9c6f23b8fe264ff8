// The form to write a wiki page: title, slug (suggested from the title),
// the Markdown body with a preview (a tab on phones, beside the text on
// wide screens), the change summary, the options of its wiki and its
// attachments. It only gathers and shows; the edit screen saves.

import { h, replace, debounce, reveal } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { renderMarkdown } from '../../markdown.js';
import { errorLine, showError, markFields } from '../../components/ui.js';
import { slugify, isSlug, linkedSlugs, resolveLinks, linkWikiText, isImage, liftHeadings } from './model.js';

const MAX_BODY = 100000;
const MAX_FILES = 10;
const MAX_FILE_BYTES = 20 << 20;
const WIDE = '(min-width: 900px)';

/**
 * @typedef {Object} WikiFormValues
 * @property {string} title
 * @property {string} slug
 * @property {string} body
 * @property {string} summary
 * @property {boolean} shared
 * @property {boolean} protocol
 * @property {boolean} must_read
 * @property {string} must_read_team who must read it: a team id, "" for everyone
 */

/**
 * @typedef {Object} WikiFormOptions
 * @property {string} team the wiki's team id, "" for the organisation wiki
 * @property {boolean} isNew a new page (the slug follows the title until changed)
 * @property {any|null} page the page being edited (its attachments), or null
 * @property {string} cancelHash where "Annuleren" goes
 * @property {() => void} onInput after every change (for the draft)
 * @property {(values: WikiFormValues, files: File[], remove: string[]) => void} onSubmit
 */

/**
 * Builds the form.
 *
 * @param {WikiFormOptions} options
 * @returns {{el: HTMLFormElement, values: () => WikiFormValues, fill: (v: Partial<WikiFormValues>) => void,
 *   busy: (on: boolean) => void, error: (message: string, fields?: Object<string, string>) => void,
 *   focusBody: () => void, destroy: () => void}}
 */
export function wikiForm({ team, isNew, page, cancelHash, onInput, onSubmit }) {
  const uid = Math.random().toString(36).slice(2, 8);
  const id = (name) => `wiki-${name}-${uid}`;
  let slugTouched = !isNew;

  const title = h('input', { id: id('title'), name: 'title', type: 'text', maxlength: 200, required: true, autocomplete: 'off' });
  const slug = h('input', { id: id('slug'), name: 'slug', type: 'text', maxlength: 80, required: true, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none', 'aria-describedby': id('slug-hint') });
  const body = h('textarea', { id: id('body'), name: 'body', rows: 14, maxlength: MAX_BODY, class: 'wiki-textarea', 'aria-describedby': id('body-hint') });
  const summary = h('input', { id: id('summary'), name: 'summary', type: 'text', maxlength: 300, autocomplete: 'off', placeholder: t('wiki.form.summaryPlaceholder') });
  const preview = h('div', { id: id('preview'), class: 'wiki-preview prose', dataset: { test: 'wiki-preview' }, 'aria-live': 'off' });
  const error = errorLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'wiki-save' } }, t('wiki.form.save'));

  // tabs: Schrijven | Voorbeeld (on wide screens both panes show)
  const writeTab = h('button', { type: 'button', role: 'tab', id: id('tab-write'), class: 'wiki-tab', 'aria-controls': id('pane-write'), dataset: { test: 'wiki-tab-write' } }, t('wiki.form.write'));
  const previewTab = h('button', { type: 'button', role: 'tab', id: id('tab-preview'), class: 'wiki-tab', 'aria-controls': id('pane-preview'), dataset: { test: 'wiki-tab-preview' } }, t('wiki.form.preview'));
  const writePane = h(
    'div',
    { id: id('pane-write'), class: 'wiki-pane wiki-pane-write', role: 'tabpanel', 'aria-labelledby': id('tab-write') },
    h('label', { for: id('body'), class: 'visually-hidden' }, t('wiki.form.body')),
    body,
    h('p', { class: 'hint', id: id('body-hint') }, t('wiki.form.bodyHint'))
  );
  const previewPane = h(
    'div',
    { id: id('pane-preview'), class: 'wiki-pane wiki-pane-preview', role: 'tabpanel', 'aria-labelledby': id('tab-preview'), tabindex: '0' },
    h('p', { class: 'wiki-preview-label', 'aria-hidden': 'true' }, t('wiki.form.preview')),
    preview
  );
  const tabs = h('div', { class: 'wiki-tabs', role: 'tablist', 'aria-label': t('wiki.form.body') }, writeTab, previewTab);

  const shared = h('input', { type: 'checkbox', name: 'shared', id: id('shared') });
  const protocol = h('input', { type: 'checkbox', name: 'protocol', id: id('protocol') });
  const mustRead = h('input', { type: 'checkbox', name: 'must_read', id: id('must-read') });
  const audience = h('select', { name: 'must_read_team', id: id('audience') }, h('option', { value: '' }, t('wiki.form.audienceAll')));
  const audienceField = h('div', { class: 'field wiki-audience' }, h('label', { for: id('audience') }, t('wiki.form.audience')), audience);
  /** the team chosen before the list of teams arrived */
  let audienceWanted = '';
  const options = team
    ? h('div', { class: 'wiki-options' }, h('label', { class: 'check', for: id('shared') }, shared, h('span', null, t('wiki.form.shared'))))
    : h(
        'div',
        { class: 'wiki-options' },
        h('label', { class: 'check', for: id('protocol') }, protocol, h('span', null, t('wiki.form.protocol'))),
        h('label', { class: 'check', for: id('must-read') }, mustRead, h('span', null, t('wiki.form.mustRead'))),
        audienceField
      );
  if (!team) {
    const showAudience = () => (audienceField.hidden = !mustRead.checked);
    mustRead.addEventListener('change', showAudience);
    showAudience();
    // the teams a must-read can be for: read once, when the form is made
    pb.collection('teams')
      .getFullList({ sort: 'name', fields: 'id,name,kind' })
      .then((teams) => {
        audience.append(...teams.filter((x) => x.kind !== 'bob').map((x) => h('option', { value: x.id }, x.name)));
        if (audienceWanted) audience.value = audienceWanted;
      })
      .catch(() => {
        // offline: "everyone" only, unless the page asks a team already
        if (audienceWanted) audience.append(h('option', { value: audienceWanted }, t('wiki.form.audienceKept')));
        audience.value = audienceWanted;
      });
  }

  const existing = Array.isArray(page?.attachments) ? page.attachments : [];
  const fileInput = h('input', { type: 'file', id: id('files'), name: 'files', multiple: true, accept: 'application/pdf,image/jpeg,image/png,image/gif,image/webp', class: 'file-input' });
  const fileNote = h('p', { class: 'hint', 'aria-live': 'polite' });
  const attachments = h(
    'fieldset',
    { class: 'wiki-files' },
    h('legend', null, t('wiki.attachments'), ' ', h('span', { class: 'optional' }, t('common.optional'))),
    existing.length > 0 &&
      h(
        'ul',
        { class: 'wiki-file-list' },
        existing.map((name, n) =>
          h(
            'li',
            null,
            h(
              'label',
              { class: 'check', for: id('remove-' + n) },
              h('input', { type: 'checkbox', id: id('remove-' + n), name: 'remove', value: name }),
              h('span', null, isImage(name) ? t('wiki.form.removeFile', { name }) : t('wiki.form.removePdf', { name }))
            )
          )
        )
      ),
    h('label', { for: id('files') }, t('wiki.form.addFiles')),
    fileInput,
    fileNote
  );

  const el = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'wiki-form card', dataset: { test: 'wiki-form' }, novalidate: true },
      h('div', { class: 'field' }, h('label', { for: id('title') }, t('wiki.form.title')), title),
      h(
        'div',
        { class: 'field' },
        h('label', { for: id('slug') }, t('wiki.form.slug')),
        slug,
        h('p', { class: 'hint', id: id('slug-hint') }, t('wiki.form.slugHint'))
      ),
      h('div', { class: 'field wiki-editor' }, h('span', { class: 'label', 'aria-hidden': 'true' }, t('wiki.form.body')), tabs, h('div', { class: 'wiki-panes' }, writePane, previewPane)),
      h('div', { class: 'field' }, h('label', { for: id('summary') }, t('wiki.form.summary'), ' ', h('span', { class: 'optional' }, t('common.optional'))), summary),
      options,
      attachments,
      error,
      h('div', { class: 'form-actions wiki-form-actions' }, submit, h('a', { class: 'btn btn-secondary', href: cancelHash, dataset: { test: 'wiki-cancel' } }, t('common.cancel')))
    )
  );

  // ---------- the preview ----------
  const wide = window.matchMedia(WIDE);
  let tab = 'write';
  let previewed = null;
  let asked = 0;

  function renderPreview() {
    const text = body.value;
    if (text === previewed) return;
    previewed = text;
    const frag = renderMarkdown(text);
    liftHeadings(frag);
    replace(preview, text.trim() ? frag : h('p', { class: 'hint' }, t('wiki.form.previewEmpty')));
    const slugs = linkedSlugs(text);
    if (!slugs.length) return;
    const mine = ++asked;
    resolveLinks(slugs, team).then(
      (found) => mine === asked && linkWikiText(preview, found),
      () => mine === asked && linkWikiText(preview, new Map())
    );
  }
  const previewSoon = debounce(() => (wide.matches || tab === 'preview') && renderPreview(), 400);

  function selectTab(next, focus = false) {
    tab = next;
    const both = wide.matches;
    el.classList.toggle('wiki-side-by-side', both);
    for (const [name, button, pane] of [['write', writeTab, writePane], ['preview', previewTab, previewPane]]) {
      const on = name === tab;
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
      pane.hidden = !both && !on;
      if (on && focus) button.focus();
    }
    if (both || tab === 'preview') renderPreview();
  }
  writeTab.addEventListener('click', () => selectTab('write'));
  previewTab.addEventListener('click', () => selectTab('preview'));
  tabs.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const next = e.key === 'Home' ? 'write' : e.key === 'End' ? 'preview' : tab === 'write' ? 'preview' : 'write';
      selectTab(next, true);
    }
  });
  const onWide = () => selectTab(tab);
  wide.addEventListener('change', onWide);
  selectTab('write');

  // ---------- the slug follows the title until changed ----------
  title.addEventListener('input', () => {
    if (!slugTouched) slug.value = slugify(title.value);
  });
  slug.addEventListener('input', () => {
    slugTouched = slug.value !== '';
  });

  // Ctrl/Cmd+Enter saves, as it sends a comment; Enter alone is a new line
  body.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      el.requestSubmit();
    }
  });

  fileInput.addEventListener('change', () => {
    const n = fileInput.files?.length || 0;
    fileNote.textContent = n ? t('wiki.form.filesChosen', { n }) : '';
  });

  el.addEventListener('input', () => {
    previewSoon();
    onInput();
  });
  el.addEventListener('change', onInput);

  el.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = values();
    const files = [...(fileInput.files || [])];
    const remove = [...el.querySelectorAll('input[name=remove]:checked')].map((c) => /** @type {HTMLInputElement} */ (c).value);
    /** @type {Object<string, string>} */
    const local = {};
    if (!v.title.trim()) local.title = t('errors.codes.validation_required');
    if (!isSlug(v.slug)) local.slug = t('wiki.form.slugInvalid');
    if (v.body.length > MAX_BODY) local.body = t('errors.codes.validation_max_text_constraint', { max: MAX_BODY });
    if (existing.length - remove.length + files.length > MAX_FILES) local.files = t('wiki.form.tooManyFiles', { max: MAX_FILES });
    if (files.some((f) => f.size > MAX_FILE_BYTES)) local.files = t('wiki.form.fileTooLarge');
    markFields(el, local);
    if (Object.keys(local).length) {
      showError(error, t('errors.checkFields'));
      /** @type {HTMLElement|null} */ (el.querySelector('[aria-invalid=true]'))?.focus();
      return;
    }
    showError(error, '');
    onSubmit(v, files, remove);
  });

  /** @returns {WikiFormValues} */
  function values() {
    return {
      title: title.value,
      slug: slug.value.trim(),
      body: body.value,
      summary: summary.value,
      shared: shared.checked,
      protocol: protocol.checked,
      must_read: mustRead.checked,
      must_read_team: mustRead.checked ? audience.value : '',
    };
  }

  return {
    el,
    values,
    fill(v) {
      if (typeof v.title === 'string') title.value = v.title;
      if (typeof v.slug === 'string') {
        slug.value = v.slug;
        if (isNew) slugTouched = v.slug !== slugify(title.value);
      }
      if (typeof v.body === 'string') body.value = v.body;
      if (typeof v.summary === 'string') summary.value = v.summary;
      if (typeof v.shared === 'boolean') shared.checked = v.shared;
      if (typeof v.protocol === 'boolean') protocol.checked = v.protocol;
      if (typeof v.must_read === 'boolean') {
        mustRead.checked = v.must_read;
        audienceField.hidden = Boolean(team) || !v.must_read;
      }
      if (typeof v.must_read_team === 'string') {
        audienceWanted = v.must_read_team;
        audience.value = v.must_read_team;
      }
      previewed = null;
      if (wide.matches || tab === 'preview') renderPreview();
    },
    busy(on) {
      submit.disabled = on;
      submit.textContent = on ? t('wiki.form.saving') : t('wiki.form.save');
      if (on) el.setAttribute('aria-busy', 'true');
      else el.removeAttribute('aria-busy');
    },
    error(message, fields = {}) {
      markFields(el, fields);
      showError(error, message);
      // a field the server refused (a slug in use) may be far above
      const first = /** @type {HTMLElement|null} */ (el.querySelector('[aria-invalid=true]'));
      if (first) reveal(first, first);
    },
    focusBody() {
      selectTab('write');
      reveal(body, body);
    },
    destroy() {
      wide.removeEventListener('change', onWide);
    },
  };
}

/**
 * Builds what a save sends: a JSON object, or FormData when files go
 * along (the other values then in "@jsonPayload", so the revision stays a
 * number).
 *
 * @param {Object<string, any>} data
 * @param {File[]} files
 * @returns {Object<string, any>|FormData}
 */
export function saveBody(data, files) {
  if (!files.length) return data;
  const form = new FormData();
  form.append('@jsonPayload', JSON.stringify(data));
  for (const f of files) form.append('attachments+', f);
  return form;
}
