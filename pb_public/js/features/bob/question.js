// One question (#/bob/questions/<id>): the question, its conversation and
// the reply form. The asking team replies and closes it; BOB staff also
// assign it, add internal notes, insert saved replies, set its status with
// a reply in one step and make a wiki page of the answer. Replies and
// changes arrive live (the team's topic; BOB's for BOB staff, the only
// topic that carries internal notes).

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { describeError } from '../../errors.js';
import { loading, loadError, errorLine, showError, toast, announce } from '../../components/ui.js';
import { Live } from '../../live.js';
import { isBOBStaff, bobStaff, membershipsKnown, confirmBox, QUESTION_EXPAND } from './model.js';
import { questionHead, questionThread } from './question-thread.js';
import { questionReply } from './question-reply.js';
import { questionStaff } from './question-staff.js';

/**
 * Mounts a question's screen.
 *
 * @param {HTMLElement} el
 * @param {{id: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { id }) {
  const live = new Live();
  let destroyed = false;
  /** @type {any} */
  let question = null;
  /** @type {any[]} */
  let replies = [];
  /** @type {any[]} */
  let saved = [];
  let staff = false;

  const root = h('article', { class: 'bob-question', dataset: { test: 'question-page', id, state: 'loading' } });
  const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const actionError = errorLine();
  const closeBox = h('div', { class: 'bob-close' });
  /** @type {ReturnType<typeof questionHead>} */
  let head;
  const thread = questionThread();
  /** @type {ReturnType<typeof questionReply>} */
  let reply;
  /** @type {ReturnType<typeof questionStaff>|null} */
  let panel = null;

  async function load() {
    replace(el, loading());
    await membershipsKnown();
    staff = isBOBStaff();
    try {
      const [q, r, s, members] = await Promise.all([
        fetchQuestion(),
        fetchReplies(),
        staff ? pb.collection('saved_replies').getFullList({ sort: 'title' }) : Promise.resolve([]),
        staff ? bobStaff() : Promise.resolve([]),
      ]);
      question = q;
      replies = r;
      saved = s;
      if (destroyed) return;
      head = questionHead(staff ? { backHash: '#/bob/desk', backLabel: t('bob.tabs.desk') } : { backHash: '#/bob', backLabel: t('bob.tabs.questions') });
      reply = questionReply({
        staff,
        onSent: async (changed) => {
          toast(t('bob.reply.sent'));
          announce(t('bob.reply.sent'));
          await refresh(changed);
        },
      });
      panel = staff ? questionStaff({ staff: members, onChanged: (next) => setQuestion(next) }) : null;
      replace(el, root);
      replace(root, head.el, liveNotice, panel?.el, h('h2', { class: 'bob-section-title' }, t('bob.question.conversation')), thread.el, actionError, reply.el, closeBox);
      root.dataset.state = 'ready';
      setQuestion(question);
      subscribe();
    } catch (err) {
      if (destroyed) return;
      replace(el, notFoundOr(err));
    }
  }

  function notFoundOr(err) {
    if (err?.status === 404 || err?.status === 403) {
      return h('div', { class: 'state state-empty card', dataset: { test: 'question-missing' } }, h('h1', null, t('bob.question.notFoundTitle')), h('p', null, t('bob.question.notFound')), h('a', { class: 'btn btn-secondary', href: '#/bob' }, t('bob.tabs.questions')));
    }
    return loadError(err, load);
  }

  function fetchQuestion() {
    return pb.collection('questions').getOne(id, { expand: QUESTION_EXPAND });
  }

  function fetchReplies() {
    return pb.collection('question_replies').getFullList({ filter: pb.filter('question = {:id}', { id }), sort: 'created,id', expand: 'author' });
  }

  /**
   * Shows the question as it is now in every part.
   *
   * @param {any} next
   */
  function setQuestion(next) {
    question = next;
    root.dataset.status = question.status;
    document.title = `${question.subject} · ${t('app.name')}`;
    head.update(question);
    thread.update(replies);
    panel?.update(question, replies);
    // the asking team cannot reply to a closed question: it asks a new one
    reply.el.hidden = !staff && question.status === 'closed';
    if (!reply.el.hidden) reply.update(question, saved);
    renderClose();
  }

  function renderClose() {
    if (staff || question.status === 'closed') {
      replace(closeBox, question.status === 'closed' && !staff && h('p', { class: 'notice card', dataset: { test: 'question-closed' } }, t('bob.question.closedNote')));
      return;
    }
    const button = h('button', { type: 'button', class: 'btn btn-secondary btn-block', dataset: { test: 'question-close' } }, t('bob.question.close'));
    button.addEventListener('click', () => {
      button.hidden = true;
      closeBox.append(
        confirmBox({
          question: t('bob.question.confirmClose'),
          yes: t('bob.question.close'),
          test: 'question-close-confirm',
          onYes: () => closeQuestion(),
          onNo: () => (button.hidden = false),
        })
      );
    });
    replace(closeBox, button);
  }

  async function closeQuestion() {
    showError(actionError, '');
    try {
      const next = await pb.collection('questions').update(id, { status: 'closed' }, { expand: QUESTION_EXPAND });
      toast(t('bob.question.closed'));
      setQuestion(next);
    } catch (err) {
      showError(actionError, describeError(err, 'changeQuestion').message);
      renderClose();
    }
  }

  /**
   * Reads the replies (and the question, when its status changed) again.
   *
   * @param {any|null} changed the question as a batch saved it
   */
  async function refresh(changed) {
    try {
      const [q, r] = await Promise.all([changed ? fetchQuestion() : Promise.resolve(question), fetchReplies()]);
      if (destroyed) return;
      replies = r;
      setQuestion(q);
    } catch {
      // the live events or the next reconnect bring it
    }
  }

  function subscribe() {
    live.mark(root, [
      live.on('questions', id, async () => {
        const q = await fetchQuestion().catch(() => null);
        if (!destroyed && q) {
          liveNotice.textContent = t('bob.question.updatedLive');
          setQuestion(q);
        }
      }),
      live.on('question_replies', '*', async (e) => {
        if (e.record.question !== id || replies.some((r) => r.id === e.record.id)) return;
        const r = await fetchReplies().catch(() => null);
        if (destroyed || !r) return;
        replies = r;
        liveNotice.textContent = t('bob.question.replyLive');
        setQuestion(question);
      }),
      live.onReconnect(() => refresh(question)),
    ]);
  }

  load();
  return () => {
    destroyed = true;
    live.destroy();
  };
}
