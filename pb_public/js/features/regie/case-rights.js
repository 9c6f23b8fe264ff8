// The client's rights on the case view: the access report, everything
// held about the client (JSON and a readable PDF, downloaded with the
// session's token) and, for coordinators of the team, erasure after
// typing the client's code.

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError, toast, announce } from '../../components/ui.js';
import { download, accessHash, casesHash, confirmDialog, isCoordinatorOf, teamById } from './model.js';

/**
 * Builds the rights section of a case.
 *
 * @param {any} client
 * @returns {HTMLElement}
 */
export function rightsBox(client) {
  const error = errorLine();
  const base = '/api/buurtplein/clients/' + encodeURIComponent(client.id);
  const exportButton = (format) => {
    const b = /** @type {HTMLButtonElement} */ (
      h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'export-' + format } }, t('regie.rights.export.' + format))
    );
    b.addEventListener('click', async () => {
      showError(error, '');
      b.disabled = true;
      try {
        await download(base + '/export?format=' + format, client.code + '.' + format);
        announce(t('regie.rights.downloaded'));
      } catch (err) {
        showError(error, describeError(err, 'regieExport').message);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  };
  const coordinator = isCoordinatorOf(client.team);
  return h(
    'section',
    { class: 'card regie-rights', 'aria-labelledby': 'regie-rights-title', dataset: { test: 'case-rights' } },
    h('h2', { id: 'regie-rights-title' }, t('regie.rights.title')),
    h('p', { class: 'hint' }, t('regie.rights.intro')),
    h(
      'div',
      { class: 'regie-buttons' },
      h('a', { class: 'btn btn-secondary', href: accessHash(client.id), dataset: { test: 'access-link' } }, t('regie.rights.access')),
      exportButton('json'),
      exportButton('pdf'),
      coordinator && h('button', { type: 'button', class: 'btn btn-danger', dataset: { test: 'erase' }, on: { click: () => erase(client) } }, t('regie.rights.erase'))
    ),
    error
  );
}

/**
 * Asks, in the app's own dialog, for the client's code, then erases.
 *
 * @param {any} client
 */
function erase(client) {
  confirmDialog({
    title: t('regie.erase.title', { code: client.code }),
    body: t('regie.erase.body'),
    typed: client.code,
    typedLabel: t('regie.erase.typeCode', { code: client.code }),
    yes: t('regie.erase.yes'),
    test: 'erase-dialog',
    onYes: async () => {
      try {
        await pb.send('/api/buurtplein/clients/' + encodeURIComponent(client.id) + '/erase', { method: 'POST', body: { code: client.code } });
      } catch (err) {
        throw new Error(describeError(err, 'regieErase').message);
      }
      const message = t('regie.erase.done', { code: client.code });
      toast(message);
      announce(message);
      const team = teamById(client.team);
      location.hash = team ? casesHash(team.slug) : '#/regie';
    },
  });
}
