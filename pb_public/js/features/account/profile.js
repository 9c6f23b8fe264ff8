// My profile (#/profile): name, photo, discipline, how colleagues reach
// me (phone, contact e-mail), language, sign out.

import { h } from '../../dom.js';
import { t, LOCALES, getLocale } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { avatar, errorLine, showError, markFields, toast } from '../../components/ui.js';
import { pushSwitch } from '../push/push-switch.js';

const MAX_AVATAR_BYTES = 5 << 20;

/**
 * Mounts the profile screen.
 *
 * @param {HTMLElement} el the screen container
 * @param {{onLocale: (locale: string) => void, onSignOut: () => void}} options
 * @returns {() => void} cleanup
 */
export function mount(el, { onLocale, onSignOut }) {
  const me = currentUser();
  if (!me) return () => {};
  /** @type {string} */
  let previewUrl = '';

  const error = errorLine();
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('profile.save'));
  const photo = h('div', { class: 'profile-photo' }, avatar(me, 'lg'));
  const nameInput = /** @type {HTMLInputElement} */ (h('input', { id: 'profile-name', name: 'name', type: 'text', maxlength: 120, required: true, autocomplete: 'name', value: me.name || '', 'aria-describedby': 'profile-name-hint' }));
  const nameHint = h('p', { class: 'hint', id: 'profile-name-hint', hidden: true, dataset: { test: 'name-locked' } }, t('profile.nameLocked'));
  let namesLocked = false;
  const fileInput = h('input', { type: 'file', id: 'profile-avatar', name: 'avatar', accept: 'image/jpeg,image/png,image/gif,image/webp', class: 'file-input' });

  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'card profile-form', dataset: { test: 'profile-form' }, novalidate: true },
      h('div', { class: 'profile-photo-row' }, photo, h('div', { class: 'field' }, h('label', { for: 'profile-avatar' }, t('profile.avatar')), fileInput, h('p', { class: 'hint' }, t('profile.avatarHint')))),
      h('div', { class: 'field' }, h('label', { for: 'profile-name' }, t('profile.name')), nameInput, nameHint),
      h('div', { class: 'field' }, h('label', { for: 'profile-discipline' }, t('profile.discipline')), h('input', { id: 'profile-discipline', name: 'discipline', type: 'text', maxlength: 80, placeholder: t('profile.disciplinePlaceholder'), value: me.discipline || '' })),
      contactFields(me),
      h('p', { class: 'hint' }, t('profile.email', { email: me.email || '' })),
      error,
      h('div', { class: 'form-actions' }, save)
    )
  );

  const languageSelect = h(
    'select',
    { id: 'profile-locale', name: 'locale', dataset: { test: 'locale' } },
    LOCALES.map((l) => h('option', { value: l, selected: l === getLocale() }, t('profile.locales.' + l)))
  );
  const languageError = errorLine();

  el.append(
    h('div', { class: 'page-head' }, h('h1', null, t('profile.title'))),
    h(
      'div',
      { class: 'stack' },
      form,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'profile-language' },
        h('h2', { id: 'profile-language' }, t('profile.language')),
        h('div', { class: 'field' }, h('label', { for: 'profile-locale' }, t('profile.languageLabel')), languageSelect),
        languageError
      ),
      quietHours(me),
      pushSwitch(),
      h(
        'section',
        { class: 'card' },
        h('button', { type: 'button', class: 'btn btn-secondary btn-block', dataset: { test: 'sign-out' }, on: { click: onSignOut } }, t('profile.signOut'))
      )
    )
  );

  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = '';
    if (!file) return;
    if (file.size > MAX_AVATAR_BYTES) {
      markFields(form, { avatar: t('profile.avatarTooLarge') });
      return;
    }
    markFields(form, {});
    previewUrl = URL.createObjectURL(file);
    photo.replaceChildren(h('img', { class: 'avatar avatar-lg', src: previewUrl, alt: t('profile.avatarPreview') }));
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = nameInput.value.trim();
    const discipline = /** @type {HTMLInputElement} */ (form.elements.namedItem('discipline')).value.trim();
    if (!name) {
      markFields(form, { name: t('errors.codes.validation_required') });
      showError(error, t('errors.checkFields'));
      return;
    }
    const data = new FormData();
    if (!namesLocked) data.append('name', name);
    data.append('discipline', discipline);
    for (const name of ['phone', 'contact_email']) data.append(name, /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim());
    const file = fileInput.files?.[0];
    if (file) data.append('avatar', file);

    save.disabled = true;
    save.textContent = t('profile.saving');
    showError(error, '');
    try {
      const record = await pb.collection('users').update(me.id, data);
      pb.authStore.save(pb.authStore.token, record);
      markFields(form, {});
      fileInput.value = '';
      photo.replaceChildren(avatar(record, 'lg'));
      toast(t('profile.saved'));
    } catch (err) {
      const problem = describeError(err, 'profile');
      markFields(form, problem.fields);
      showError(error, problem.message);
    } finally {
      save.disabled = false;
      save.textContent = t('profile.save');
    }
  });

  languageSelect.addEventListener('change', async () => {
    const locale = languageSelect.value;
    showError(languageError, '');
    try {
      const record = await pb.collection('users').update(me.id, { locale });
      pb.authStore.save(pb.authStore.token, record);
      onLocale(locale);
    } catch (err) {
      showError(languageError, describeError(err, 'profile').message);
    }
  });

  // IT may keep names for itself (organisation_settings.names_locked);
  // the server holds the lock, this only says so before someone types
  pb.collection('organisation_settings')
    .getList(1, 1, { skipTotal: true })
    .then((res) => {
      namesLocked = Boolean(res.items[0]?.names_locked);
      nameInput.readOnly = namesLocked;
      nameHint.hidden = !namesLocked;
    })
    .catch(() => {});

  return () => {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
  };
}

/**
 * How colleagues reach me (users.phone and contact_email): the directory
 * shows them to tap to call and to mail. Both may stay empty; the sign-in
 * address is never shown to colleagues.
 *
 * @param {any} me the signed-in user record
 * @returns {HTMLElement} fieldset[data-test=profile-contact]
 */
function contactFields(me) {
  return h(
    'fieldset',
    { class: 'profile-contact', dataset: { test: 'profile-contact' }, 'aria-describedby': 'profile-contact-hint' },
    h('legend', null, t('profile.contact')),
    h('p', { class: 'hint', id: 'profile-contact-hint' }, t('profile.contactHint')),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'profile-phone' }, t('profile.phone')),
      h('input', { id: 'profile-phone', name: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: 30, placeholder: t('profile.phonePlaceholder'), value: me.phone || '' })
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'profile-contact-email' }, t('profile.contactEmail')),
      h('input', { id: 'profile-contact-email', name: 'contact_email', type: 'email', autocomplete: 'email', maxlength: 255, placeholder: t('profile.contactEmailPlaceholder'), value: me.contact_email || '' })
    )
  );
}

/**
 * The chat's quiet hours ("Stil van … tot …", users.quiet_from and
 * quiet_until, Amsterdam time; a span may cross midnight): in them a
 * mention in the chat notifies no one. Both empty: none.
 *
 * @param {any} me the signed-in user record
 * @returns {HTMLElement} form[data-test=quiet-hours]
 */
function quietHours(me) {
  const from = /** @type {HTMLInputElement} */ (h('input', { type: 'time', id: 'profile-quiet-from', name: 'quiet_from', value: me.quiet_from || '', step: 60 }));
  const until = /** @type {HTMLInputElement} */ (h('input', { type: 'time', id: 'profile-quiet-until', name: 'quiet_until', value: me.quiet_until || '', step: 60 }));
  const error = errorLine();
  const save = h('button', { type: 'submit', class: 'btn btn-secondary' }, t('chat.quiet.save'));
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'card profile-quiet', dataset: { test: 'quiet-hours' }, novalidate: true, 'aria-labelledby': 'profile-quiet' },
      h('h2', { id: 'profile-quiet' }, t('chat.quiet.title')),
      h('p', { class: 'hint' }, t('chat.quiet.hint')),
      h(
        'div',
        { class: 'profile-quiet-row' },
        h('div', { class: 'field' }, h('label', { for: 'profile-quiet-from' }, t('chat.quiet.from')), from),
        h('div', { class: 'field' }, h('label', { for: 'profile-quiet-until' }, t('chat.quiet.until')), until)
      ),
      error,
      h('div', { class: 'form-actions' }, save)
    )
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    // "22:00" even where a browser's time input says "22:00:00"
    const values = { quiet_from: from.value.slice(0, 5), quiet_until: until.value.slice(0, 5) };
    if (Boolean(values.quiet_from) !== Boolean(values.quiet_until)) {
      showError(error, t('chat.quiet.both'));
      return;
    }
    save.disabled = true;
    showError(error, '');
    try {
      const record = await pb.collection('users').update(me.id, values);
      pb.authStore.save(pb.authStore.token, record);
      markFields(form, {});
      toast(t('chat.quiet.saved'));
    } catch (err) {
      const problem = describeError(err, 'profile');
      markFields(form, problem.fields);
      showError(error, problem.message);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
