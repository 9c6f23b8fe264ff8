// A team by its slug and the signed-in employee's membership of it, as the
// team's page and its board read them first: from the server (right after
// a reload the store's memberships may still be on their way), kept for
// reading offline.

import { pb } from '../../pb.js';
import { readThrough } from '../../offline/cache.js';

/**
 * Reads the team with slug and userId's membership of it (undefined when
 * not a member); offline, as last read, with the moment it was kept
 * (savedAt, 0 when fresh). A team that does not exist throws the server's
 * 404.
 *
 * @param {string} slug
 * @param {string} userId
 * @returns {Promise<{team: any, membership: any|undefined, savedAt: number}>}
 */
export async function readTeamHead(slug, userId) {
  const kept = await readThrough('team/' + slug, async () => {
    const team = await pb.collection('teams').getFirstListItem(pb.filter('slug = {:slug}', { slug }));
    const mine = await pb.collection('memberships').getList(1, 1, {
      filter: pb.filter('team = {:team} && user = {:user}', { team: team.id, user: userId }),
      skipTotal: true,
    });
    return { team, membership: mine.items[0] };
  });
  return { ...kept.value, savedAt: kept.savedAt };
}
