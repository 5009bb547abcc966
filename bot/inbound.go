package bot

import (
	"context"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/transport"
	"github.com/scamguard/scamguard/store"
)

// A plain private message (private.Chats.Plain: text to check, nothing
// else to do) is stored by the webhook straight into its chat's burst,
// with its update id in the intake's de-duplication set, in one round trip
// (store.Store.AddUpdateToBurst): it is in Redis before Telegram gets its
// 200, as durable as an intake entry, and no consumer has to read it,
// acknowledge it or hold the burst back for it.
//
// Every other update goes to the intake. A private one is noted as on its
// way to its chat's burst until a replica handled it
// (store.Intake.AddNoted): the chat's burst is not answered meanwhile, so
// an answer is never computed on a window missing a message that reached
// Telegram's webhook before the burst was due, whichever replica got it
// and however late its consumer. The note is cleared with the update's
// acknowledgement (transport.Consumer), in the same round trip.

// storeUpdate is the webhook's Store: a plain private message into its
// burst, anything else into the intake (a private one noted as inbound),
// in one round trip.
func (b *Bot) storeUpdate(intake *store.Intake) func(ctx context.Context, upd *models.Update, raw []byte) (bool, error) {
	return func(ctx context.Context, upd *models.Update, raw []byte) (bool, error) {
		if upd.Message != nil {
			if msg, plain := b.private.Plain(upd.Message); plain {
				return b.storeInBurst(ctx, upd, msg)
			}
		}
		chat, _ := transport.PrivateChat(upd)
		return intake.AddNoted(ctx, chat, upd.ID, raw)
	}
}

// storeInBurst stores a plain private message in its chat's burst: what
// handling it on a lane would have done, counted the same way.
func (b *Bot) storeInBurst(ctx context.Context, upd *models.Update, msg store.BurstMessage) (bool, error) {
	received := time.Now()
	repeat, stored, err := b.room.Store.AddUpdateToBurst(ctx, upd.ID, upd.Message.Chat.ID, msg, b.cfg.BurstWindow)
	if err != nil {
		return false, err
	}
	if repeat {
		// Stored again all the same: the burst takes a message once (by
		// its order), so a repeat whose first copy failed half-way is not
		// lost, and one answered already is refused by the burst.
		b.room.Metrics.Duplicates.Inc()
	}
	b.room.Metrics.Updates.WithLabelValues("message").Inc()
	b.room.Metrics.HandleTime.Observe(time.Since(received).Seconds())
	return stored, nil
}
