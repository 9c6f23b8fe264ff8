// The conversation's composer (form[data-test=chat-composer]): text with
// the @-picker, photos and files (a small preview before sending), the
// message it replies to, sending on Enter (Shift+Enter: a new line) or
// the button. What is typed waits in a draft per channel until it is in
// the outbox, which keeps it until the server has it.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { errorLine, showError } from '../../components/ui.js';
import { attachChatMentions } from './chat-mention.js';
import { enqueue, loadDraft, saveDraft } from './outbox.js';
import { excerpt } from './model.js';

const MAX_FILES = 4;
const MAX_FILE_BYTES = 10 << 20;
const MAX_BODY = 4000;
const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif,application/pdf,text/plain,.docx,.xlsx,.pptx,.odt,.ods';

/**
 * @typedef {Object} ComposerOptions
 * @property {string} channel
 * @property {() => import('./chat-mention.js').MentionOption[]} mentionOptions
 * @property {(id: string) => any} findMessage a loaded message by id (for the reply's quote)
 * @property {() => void} onQueued after a message went into the outbox
 */

/**
 * Builds the composer.
 *
 * @param {ComposerOptions} opts
 * @returns {{el: HTMLFormElement, replyTo: (msg: any) => void, setText: (body: string, replyTo?: string) => void, destroy: () => void}}
 */
export function createComposer({ channel, mentionOptions, findMessage, onQueued }) {
  const draft = loadDraft(channel);
  let replyId = draft.reply_to;
  /** @type {File[]} */
  let chosen = [];
  /** @type {string[]} */
  let previewUrls = [];

  const textarea = /** @type {HTMLTextAreaElement} */ (
    h('textarea', { name: 'body', rows: 1, maxlength: MAX_BODY, class: 'chat-input', placeholder: t('chat.placeholder'), 'aria-label': t('chat.placeholder'), value: draft.body })
  );
  // the paperclip button opens the browser's file picker
  const fileInput = /** @type {HTMLInputElement} */ (h('input', { type: 'file', name: 'attachments', multiple: true, accept: ACCEPT, hidden: true, dataset: { test: 'chat-attach' } }));
  const attach = h('button', { type: 'button', class: 'btn btn-secondary chat-attach-btn', 'aria-label': t('chat.attach'), title: t('chat.attach'), on: { click: () => fileInput.click() } }, h('span', { class: 'chat-file-icon', 'aria-hidden': 'true' }));
  const previews = h('ul', { class: 'chat-previews', dataset: { test: 'chat-previews' }, hidden: true });
  const replyBar = h('div', { class: 'chat-reply-bar', dataset: { test: 'chat-replying' }, hidden: true });
  const error = errorLine();
  const send = h('button', { type: 'submit', class: 'btn btn-primary chat-send', dataset: { test: 'chat-send' } }, t('chat.send'));

  const el = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'chat-composer', dataset: { test: 'chat-composer' }, novalidate: true },
      replyBar,
      previews,
      error,
      h(
        'div',
        { class: 'chat-composer-row' },
        attach,
        fileInput,
        h('div', { class: 'chat-input-wrap' }, textarea),
        send
      )
    )
  );
  const mentions = attachChatMentions(textarea, mentionOptions);

  const keep = debounce(() => saveDraft(channel, { body: textarea.value, reply_to: replyId }), 250);
  textarea.addEventListener('input', () => {
    keep();
    grow();
  });
  // the last keystrokes before the app goes are kept too
  const keepNow = () => saveDraft(channel, { body: textarea.value, reply_to: replyId });
  window.addEventListener('pagehide', keepNow);

  textarea.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.defaultPrevented || mentions.isOpen()) return;
    e.preventDefault();
    el.requestSubmit();
  });

  fileInput.addEventListener('change', () => {
    const files = [...(fileInput.files || [])];
    fileInput.value = '';
    const next = [...chosen, ...files];
    if (next.length > MAX_FILES) showError(error, t('chat.tooManyFiles', { max: MAX_FILES }));
    else if (files.some((f) => f.size > MAX_FILE_BYTES)) showError(error, t('chat.fileTooLarge'));
    else {
      showError(error, '');
      chosen = next;
    }
    renderPreviews();
  });

  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = textarea.value;
    if (!body.trim() && !chosen.length) {
      textarea.focus();
      return;
    }
    if (body.length > MAX_BODY) {
      showError(error, t('chat.tooLong', { max: MAX_BODY }));
      return;
    }
    showError(error, '');
    try {
      await enqueue({ channel, body: body.trim() ? body : '', reply_to: replyId, files: chosen });
    } catch {
      // no IndexedDB (a private window): the text stays in the composer
      showError(error, t('chat.noOutbox'));
      return;
    }
    textarea.value = '';
    replyId = '';
    chosen = [];
    saveDraft(channel, { body: '', reply_to: '' });
    renderPreviews();
    renderReply();
    grow();
    textarea.focus({ preventScroll: true });
    onQueued();
  });

  function grow() {
    textarea.style.height = 'auto';
    textarea.style.height = Math.min(textarea.scrollHeight, 160) + 'px';
  }

  function renderPreviews() {
    for (const url of previewUrls) URL.revokeObjectURL(url);
    previewUrls = [];
    previews.hidden = chosen.length === 0;
    replace(
      previews,
      chosen.map((f, n) => {
        const image = f.type.startsWith('image/');
        const url = image ? URL.createObjectURL(f) : '';
        if (url) previewUrls.push(url);
        return h(
          'li',
          { class: 'chat-preview', dataset: { test: 'chat-preview' } },
          image ? h('img', { src: url, alt: '', width: 56, height: 56 }) : h('span', { class: 'chat-file-icon', 'aria-hidden': 'true' }),
          h('span', { class: 'chat-preview-name' }, f.name),
          h(
            'button',
            {
              type: 'button',
              class: 'btn-link',
              'aria-label': t('chat.removeFile', { name: f.name }),
              on: {
                click: () => {
                  chosen = chosen.filter((_, i) => i !== n);
                  renderPreviews();
                },
              },
            },
            '×'
          )
        );
      })
    );
  }

  function renderReply() {
    replyBar.hidden = !replyId;
    if (!replyId) return replace(replyBar);
    const msg = findMessage(replyId);
    replace(
      replyBar,
      h('span', { class: 'chat-reply-label' }, t('chat.replyingTo', { name: msg?.expand?.author?.name || '' })),
      h('span', { class: 'chat-reply-text' }, msg ? excerpt(msg.body) : ''),
      h(
        'button',
        {
          type: 'button',
          class: 'btn-link',
          dataset: { test: 'chat-reply-cancel' },
          on: {
            click: () => {
              replyId = '';
              keepNow();
              renderReply();
            },
          },
        },
        t('common.cancel')
      )
    );
  }

  renderReply();
  requestAnimationFrame(grow);

  return {
    el,
    replyTo(msg) {
      replyId = msg.id;
      keepNow();
      renderReply();
      textarea.focus({ preventScroll: true });
    },
    setText(body, reply = '') {
      textarea.value = body;
      replyId = reply;
      keepNow();
      renderReply();
      grow();
      textarea.focus({ preventScroll: true });
    },
    destroy() {
      keepNow();
      window.removeEventListener('pagehide', keepNow);
      for (const url of previewUrls) URL.revokeObjectURL(url);
    },
  };
}
