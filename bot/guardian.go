package bot

import (
	"context"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/classifier"
)

// onGuardianCommand handles /guardian in a private chat.
func (b *Bot) onGuardianCommand(ctx context.Context, msg *models.Message, arg string) {}

// onGuardianButton handles a press on a guardian invitation or revocation
// button (callback data "grd:<rest>") and returns the note shown.
func (b *Bot) onGuardianButton(ctx context.Context, q *models.CallbackQuery, rest string) string {
	return ""
}

// alertGuardians tells the guardians of user (who reached a scam verdict
// in their private chat) what happened, without the transcript.
func (b *Bot) alertGuardians(ctx context.Context, chat, user int64, verdict classifier.Verdict) {}
