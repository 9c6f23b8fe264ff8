// The @-picker, loaded when a text box is first used: most of the time the
// feed is read, not written in, and the picker's module then stays out of
// the first load on a slow connection.

/**
 * Adds the @-picker (attachMentions in mention.js) to a textarea when it
 * first gets the focus. What was typed while the module loaded is looked at
 * as soon as it is there.
 *
 * @param {HTMLTextAreaElement} textarea
 * @param {() => string} audience the team whose members may be mentioned ('' for everyone)
 */
export function attachMentionsOnUse(textarea, audience) {
  textarea.addEventListener(
    'focus',
    () => {
      import('./mention.js')
        .then(({ attachMentions }) => {
          attachMentions(textarea, audience);
          textarea.dispatchEvent(new Event('input'));
        })
        .catch(() => {
          // offline before the module was kept: no picker, the text box works
        });
    },
    { once: true }
  );
}
