// Cliënten (#/regie): the way into a team's cases. With one buurtteam it
// goes straight to that team's case list; with several it lets one choose.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { mountRegie, regieTeams, casesHash } from './model.js';

/**
 * Mounts the choice of team.
 *
 * @param {HTMLElement} el
 * @returns {() => void} cleanup
 */
export function mount(el) {
  return mountRegie(el, () => {
    const teams = regieTeams();
    if (teams.length === 1) {
      location.replace(casesHash(teams[0].slug));
      return;
    }
    replace(
      el,
      h('div', { class: 'page-head' }, h('h1', null, t('regie.title')), h('p', { class: 'page-sub' }, t('regie.chooseTeam'))),
      h(
        'ul',
        { class: 'regie-teams', dataset: { test: 'regie-teams' } },
        teams.map((team) => h('li', null, h('a', { class: 'regie-team-link card', href: casesHash(team.slug), dataset: { test: 'regie-team', slug: team.slug } }, team.name)))
      )
    );
  });
}
