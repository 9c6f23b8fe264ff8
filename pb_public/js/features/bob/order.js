// One order (#/bob/orders/<id>): its status in words, what was ordered,
// the proof viewer and what may happen next. The team approves a proof or
// sends it back with a remark, changes a draft (the order form) or cancels;
// BOB staff move an approved order to production, shipped and delivered.
// Its status and history arrive live (the team's topic; BOB's).

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { getState } from '../../store.js';
import { describeError } from '../../errors.js';
import { loading, loadError, errorLine, showError, markFields, toast, announce } from '../../components/ui.js';
import { Live } from '../../live.js';
import { parseDate, fullDate } from '../../format.js';
import { isBOBStaff, membershipsKnown, orderStatusBadge, confirmBox, euro, BOB_NEXT, CANCELLABLE, ORDER_EXPAND } from './model.js';
import { orderProof } from './order-proof.js';
import { orderForm } from './order-form.js';
import { partKey } from '../tasks/model.js';

/**
 * Mounts an order's screen.
 *
 * @param {HTMLElement} el
 * @param {{id: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { id }) {
  const live = new Live();
  let destroyed = false;
  /** @type {any} */
  let order = null;
  let staff = false;
  /** @type {ReturnType<typeof orderForm>|null} */
  let form = null;
  let formKey = '';

  const root = h('article', { class: 'bob-order', dataset: { test: 'order-page', id, state: 'loading' } });
  const head = h('div', { class: 'page-head' });
  const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const proof = orderProof();
  const formBox = h('div');
  const actions = h('div', { class: 'bob-order-actions-box' });
  const error = errorLine();
  const history = h('ol', { class: 'bob-history', dataset: { test: 'order-history' } });

  async function load() {
    replace(el, loading());
    await membershipsKnown();
    staff = isBOBStaff();
    try {
      order = await fetchOrder();
      if (destroyed) return;
      replace(el, root);
      replace(root, head, liveNotice, proof.el, formBox, error, actions, h('h2', { class: 'bob-section-title' }, t('bob.order.history')), history);
      root.dataset.state = 'ready';
      setOrder(order);
      loadHistory();
      live.mark(root, [
        live.on('orders', id, async () => {
          const next = await fetchOrder().catch(() => null);
          if (destroyed || !next) return;
          liveNotice.textContent = t('bob.order.updatedLive', { status: t('bob.orderStatus.' + next.status) });
          setOrder(next);
        }),
        live.on('order_events', '*', (e) => e.record.order === id && loadHistory()),
        live.onReconnect(async () => {
          const next = await fetchOrder().catch(() => null);
          if (!destroyed && next) setOrder(next);
          loadHistory();
        }),
      ]);
    } catch (err) {
      if (destroyed) return;
      replace(el, err?.status === 404 || err?.status === 403 ? h('div', { class: 'state state-empty card', dataset: { test: 'order-missing' } }, h('h1', null, t('bob.order.notFoundTitle')), h('p', null, t('bob.order.notFound')), h('a', { class: 'btn btn-secondary', href: '#/bob/orders' }, t('bob.tabs.orders'))) : loadError(err, load));
    }
  }

  function fetchOrder() {
    return pb.collection('orders').getOne(id, { expand: ORDER_EXPAND });
  }

  async function loadHistory() {
    try {
      const events = await pb.collection('order_events').getFullList({ filter: pb.filter('order = {:id}', { id }), sort: '-created', expand: 'actor' });
      if (destroyed) return;
      replace(history, events.map((e) => {
        const when = parseDate(e.created);
        return h(
          'li',
          { dataset: { test: 'order-event', to: e.to } },
          h('span', null, t('bob.order.event', { name: e.expand?.actor?.name || '', from: e.from ? t('bob.orderStatus.' + e.from) : '—', to: t('bob.orderStatus.' + e.to) })),
          when && [' · ', h('time', { datetime: when.toISOString() }, fullDate(when))],
          e.remark && h('p', { class: 'bob-remark' }, e.remark)
        );
      }));
    } catch {
      // the history is extra: the order itself is shown
    }
  }

  function isTeam() {
    return getState().memberships.some((m) => m.team === order.team);
  }

  /** @param {any} next */
  function setOrder(next) {
    order = next;
    root.dataset.status = order.status;
    document.title = `${order.title || order.expand?.product?.name || ''} · ${t('app.name')}`;
    renderHead();
    proof.update(order);
    renderForm();
    renderActions();
  }

  function renderHead() {
    const p = order.expand?.product;
    replace(
      head,
      h('p', { class: 'crumbs' }, h('a', { href: '#/bob/orders' }, '← ', staff ? t('bob.orders.queueTitle') : t('bob.tabs.orders'))),
      h('h1', { dataset: { test: 'order-title' } }, order.title || p?.name || t('bob.order.untitled')),
      h('p', { class: 'bob-badges' }, orderStatusBadge(order.status)),
      h(
        'dl',
        { class: 'bob-facts' },
        h('dt', null, t('bob.order.product')),
        h('dd', null, p?.name || ''),
        h('dt', null, t('bob.order.format')),
        h('dd', null, order.format),
        h('dt', null, t('bob.order.quantity')),
        h('dd', null, t('bob.order.pieces', { n: order.quantity || 0 })),
        h('dt', null, t('bob.order.price')),
        h('dd', { dataset: { test: 'order-price' } }, euro(order.price)),
        h('dt', null, t('bob.order.team')),
        h('dd', null, order.expand?.team?.name || ''),
        h('dt', null, t('bob.order.requestedBy')),
        h('dd', null, order.expand?.requested_by?.name || '')
      ),
      order.status === 'draft' && order.remark && h('p', { class: 'notice card', dataset: { test: 'order-remark' } }, t('bob.order.sentBack', { remark: order.remark }))
    );
  }

  /** A draft the team may still change shows the order form. */
  function renderForm() {
    const editable = order.status === 'draft' && isTeam();
    const key = editable ? 'draft:' + order.id : '';
    if (key === formKey) return;
    formKey = key;
    form?.destroy();
    form = null;
    if (!editable) {
      replace(formBox);
      return;
    }
    pb.collection('products')
      .getFullList({ sort: 'kind,name' })
      .then((products) => {
        if (destroyed || formKey !== key) return;
        form = orderForm({ products, order, onProof: (next) => setOrder(next), onSaved: (saved) => (order = saved) });
        replace(formBox, form.el);
      })
      .catch((err) => replace(formBox, loadError(err, renderForm)));
  }

  let shownActions = '';
  function renderActions() {
    const key = partKey(order, ['status', 'proof_revision']);
    if (key === shownActions) return;
    shownActions = key;
    showError(error, '');
    const team = isTeam();
    const buttons = [];
    if (team && order.status === 'proof') {
      buttons.push(h('button', { type: 'button', class: 'btn btn-primary', dataset: { test: 'order-approve' }, on: { click: () => move({ status: 'approved' }, t('bob.order.approved')) } }, t('bob.order.approve')));
    }
    if ((team || staff) && order.status === 'proof') buttons.push(sendBack());
    const next = staff ? BOB_NEXT[order.status] : '';
    if (next) {
      buttons.push(h('button', { type: 'button', class: 'btn btn-primary', dataset: { test: 'order-next', to: next }, on: { click: () => move({ status: next }, t('bob.orders.moved', { title: order.title || '', status: t('bob.orderStatus.' + next) })) } }, t('bob.orderNext.' + next)));
    }
    if ((team || staff) && CANCELLABLE.includes(order.status)) {
      const cancel = h('button', { type: 'button', class: 'btn btn-link btn-danger-link', dataset: { test: 'order-cancel' } }, t('bob.order.cancel'));
      cancel.addEventListener('click', () => {
        cancel.hidden = true;
        actions.append(confirmBox({ question: t('bob.order.confirmCancel'), yes: t('bob.order.cancel'), test: 'order-cancel-confirm', onYes: () => move({ status: 'cancelled' }, t('bob.order.cancelled')), onNo: () => (cancel.hidden = false) }));
      });
      buttons.push(cancel);
    }
    replace(actions, buttons.length > 0 && h('div', { class: 'bob-actions', dataset: { test: 'order-actions' } }, buttons));
  }

  /** The team's or BOB's way back to a draft: a remark is required. */
  function sendBack() {
    const remark = h('textarea', { id: 'order-remark', name: 'remark', rows: 3, required: true, maxlength: 1000 });
    const form = /** @type {HTMLFormElement} */ (
      h(
        'form',
        { dataset: { test: 'order-sendback-form' }, novalidate: true },
        h('div', { class: 'field' }, h('label', { for: 'order-remark' }, t('bob.order.remark')), remark),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-secondary', dataset: { test: 'order-sendback' } }, t('bob.order.sendBack')))
      )
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!remark.value.trim()) {
        markFields(form, { remark: t('bob.order.remarkRequired') });
        return;
      }
      move({ status: 'draft', remark: remark.value }, t('bob.order.sentBackDone'), form);
    });
    return h('details', { class: 'card disclosure bob-sendback', dataset: { test: 'order-sendback-box' } }, h('summary', null, h('h3', null, t('bob.order.sendBack'))), form);
  }

  async function move(data, message, form) {
    showError(error, '');
    for (const b of actions.querySelectorAll('button')) b.disabled = true;
    try {
      const next = await pb.collection('orders').update(id, data, { expand: ORDER_EXPAND });
      toast(message);
      announce(message);
      shownActions = '';
      setOrder(next);
      loadHistory();
    } catch (err) {
      const problem = describeError(err, 'moveOrder');
      if (form) markFields(form, problem.fields);
      showError(error, problem.message);
      for (const b of actions.querySelectorAll('button')) b.disabled = false;
    }
  }

  load();
  return () => {
    destroyed = true;
    form?.destroy();
    live.destroy();
  };
}
