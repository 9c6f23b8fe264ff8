// The pending handover offer of a task, on its screen: the sender may take
// it back, the receiver accept or decline it (the card is offers.js's).

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { offerCard } from './offers.js';

/**
 * @typedef {Object} TaskOfferOptions
 * @property {() => void} onAnswered after the offer was answered here
 * @property {() => void} onFailed after an answer failed (the card says why)
 */

/**
 * Builds the place of a task's pending offer; update(offer, role) shows it,
 * or nothing when there is none.
 *
 * @param {TaskOfferOptions} options
 * @returns {{el: HTMLElement, update: (offer: any|null, role: 'receiver'|'sender'|'viewer') => void}}
 */
export function taskOffer({ onAnswered, onFailed }) {
  const el = h('div', { class: 'task-offer-host' });
  return {
    el,
    update(offer, role) {
      if (!offer) {
        replace(el);
        return;
      }
      replace(el, h('div', { class: 'pending-offer', dataset: { test: 'pending-offer' } }, h('p', { class: 'pending-offer-note' }, t('task.pendingOffer')), offerCard(offer, { role, onAnswered, onFailed })));
    },
  };
}
