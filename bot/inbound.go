package bot

import (
	"context"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/transport"
	"github.com/scamguard/scamguard/store"
)

// A private message stored by the webhook is noted as on its way to its
// chat's burst until a replica handled it (store.Intake.AddNoted): the
// chat's burst is not answered meanwhile, so an answer is never computed
// on a window missing a message that reached Telegram's webhook before the
// burst was due, whichever replica got it and however late its consumer.
// The note is cleared with the update's acknowledgement
// (transport.Consumer), in the same round trip.

// storeUpdate is the webhook's Store: note a private message as inbound
// and put the update in the intake, in one round trip.
func (b *Bot) storeUpdate(intake *store.Intake) func(ctx context.Context, upd *models.Update, raw []byte) (bool, error) {
	return func(ctx context.Context, upd *models.Update, raw []byte) (bool, error) {
		chat, _ := transport.PrivateChat(upd)
		return intake.AddNoted(ctx, chat, upd.ID, raw)
	}
}
