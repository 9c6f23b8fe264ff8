package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The users' password reset mail, in Dutch, with a link to the PWA's own
// screen for a new password (#/reset-password/<token>) instead of
// PocketBase's dashboard page, which employees never see. The token sits
// after the "#", so browsers send it to no server, not even in a Referer.
func init() {
	m.Register(func(app core.App) error {
		return setResetPasswordMail(app, core.EmailTemplate{
			Subject: "Nieuw wachtwoord voor {APP_NAME}",
			Body: `<p>Hallo,</p>
<p>Je hebt gevraagd om een nieuw wachtwoord voor {APP_NAME}. Klik op de knop hieronder en kies een nieuw wachtwoord.</p>
<p>
  <a class="btn" href="{APP_URL}/#/reset-password/{TOKEN}" target="_blank" rel="noopener">Nieuw wachtwoord kiezen</a>
</p>
<p>De link werkt een half uur en maar één keer. Daarna ben je op al je apparaten uitgelogd.</p>
<p><i>Heb je dit niet zelf gevraagd? Dan hoef je niets te doen: je wachtwoord blijft hetzelfde. Krijg je deze mail vaker zonder het te vragen, meld het dan bij IT.</i></p>
<p>{APP_NAME}</p>`,
		})
	}, func(app core.App) error {
		return setResetPasswordMail(app, core.EmailTemplate{
			Subject: "Reset your {APP_NAME} password",
			Body: `<p>Hello,</p>
<p>Click on the button below to reset your password.</p>
<p>
  <a class="btn" href="{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}" target="_blank" rel="noopener">Reset password</a>
</p>
<p><i>If you didn't ask to reset your password, please ignore this email.</i></p>
<p>
  Thanks,<br/>
  {APP_NAME} team
</p>`,
		})
	})
}

func setResetPasswordMail(app core.App, template core.EmailTemplate) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	users.ResetPasswordTemplate = template
	return app.Save(users)
}
