// A handover offer ("overdracht") as a card: what is offered, by whom, the
// note, and the receiver's buttons (Accepteren / Weigeren) or the sender's
// (Intrekken).

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { formatDue, respondToOffer } from './model.js';
import { errorLine, showError, toast, announce } from '../../components/ui.js';
import { parseDate, relativeTime } from '../../format.js';

/**
 * @typedef {Object} OfferOptions
 * @property {'receiver'|'sender'|'viewer'} role how the signed-in user stands to the offer
 * @property {(transfer: any, status: string) => void} [onAnswered] after a successful answer
 * @property {(err: any) => void} [onFailed] after a failed one (already shown on the card)
 */

/**
 * Renders a handover offer ([data-test=offer]).
 *
 * @param {any} transfer a task_transfers record (expand from_user, to_user, to_team)
 * @param {OfferOptions} options
 * @returns {HTMLElement}
 */
export function offerCard(transfer, { role, onAnswered, onFailed }) {
  const from = transfer.expand?.from_user;
  const toTeam = transfer.expand?.to_team;
  const toUser = transfer.expand?.to_user;
  const error = errorLine();
  const created = parseDate(transfer.created);

  let kicker;
  if (role === 'sender') kicker = t('offers.youOffered', { to: toUser?.name || toTeam?.name || '?' });
  else if (toTeam) kicker = t('offers.toTeam', { name: from?.name || '?', team: toTeam.name });
  else if (role === 'receiver') kicker = t('offers.toYou', { name: from?.name || '?' });
  else kicker = t('offers.between', { name: from?.name || '?', to: toUser?.name || '?' });

  const buttons = [];
  const answer = async (status, button) => {
    for (const b of buttons) b.disabled = true;
    button.setAttribute('aria-busy', 'true');
    showError(error, '');
    try {
      await respondToOffer(transfer.id, status);
      const message = t('offers.answered.' + status, { title: transfer.task_title || '' });
      toast(message);
      announce(message);
      onAnswered?.(transfer, status);
    } catch (err) {
      // the list may be read again right away (someone else answered, 409):
      // the toast keeps the reason in view
      const { message } = describeError(err, 'answerOffer');
      showError(error, message);
      toast(message, 'error');
      for (const b of buttons) b.disabled = false;
      onFailed?.(err);
    } finally {
      button.removeAttribute('aria-busy');
    }
  };
  const button = (test, label, cls, status) => {
    const b = h('button', { type: 'button', class: ['btn', cls], dataset: { test } }, label);
    b.addEventListener('click', () => answer(status, b));
    buttons.push(b);
    return b;
  };

  const actions =
    role === 'receiver'
      ? [button('offer-decline', t('offers.decline'), 'btn-secondary', 'declined'), button('offer-accept', t('offers.accept'), 'btn-primary', 'accepted')]
      : role === 'sender'
        ? [button('offer-cancel', t('offers.cancel'), 'btn-secondary', 'cancelled')]
        : [];

  return h(
    'article',
    { class: 'offer card', dataset: { test: 'offer', id: transfer.id, task: transfer.task }, 'aria-label': t('offers.label', { title: transfer.task_title || '' }) },
    h('p', { class: 'offer-kicker' }, h('span', { class: 'icon icon-handover', 'aria-hidden': 'true' }), kicker, created ? h('span', { class: 'offer-when' }, ' · ', relativeTime(created)) : null),
    h('h3', { class: 'offer-title', dataset: { test: 'offer-title' } }, transfer.task_title || t('offers.untitled')),
    transfer.task_due && h('p', { class: 'offer-due' }, t('tasks.dueLabel') + ' ' + formatDue(transfer.task_due)),
    transfer.note && h('blockquote', { class: 'offer-note', dataset: { test: 'offer-note' } }, transfer.note),
    error,
    actions.length > 0 && h('div', { class: 'offer-actions' }, actions)
  );
}

/**
 * Works out how the signed-in user stands to an offer.
 *
 * @param {any} transfer
 * @param {string[]} myTeamIds
 * @returns {'receiver'|'sender'|'viewer'}
 */
export function roleIn(transfer, myTeamIds) {
  const me = currentUser();
  if (!me) return 'viewer';
  if (transfer.from_user === me.id) return 'sender';
  if (transfer.to_user === me.id || (transfer.to_team && myTeamIds.includes(transfer.to_team))) return 'receiver';
  return 'viewer';
}
