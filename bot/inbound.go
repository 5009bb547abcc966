package bot

import (
	"context"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/store"
)

// A private message stored by the webhook is noted as on its way to its
// chat's burst until a replica handled it (store.NoteInbound): the chat's
// burst is not answered meanwhile, so an answer is never computed on a
// window missing a message that reached Telegram's webhook before the
// burst was due, whichever replica got it and however late its consumer.

// storeUpdate is the webhook's Store: note a private message as inbound,
// then put the update in the intake.
func (b *Bot) storeUpdate(intake *store.Intake) func(ctx context.Context, upd *models.Update, raw []byte) (bool, error) {
	return func(ctx context.Context, upd *models.Update, raw []byte) (bool, error) {
		chat, private := privateChat(upd)
		noted := false
		if private {
			var err error
			if noted, err = b.room.Store.NoteInbound(ctx, chat, upd.ID); err != nil {
				return false, err
			}
		}
		stored, err := intake.Add(ctx, upd.ID, raw)
		if err == nil && !stored && noted {
			// A repeat of an update handled already: nothing is on its way.
			b.arrived(chat, upd)
		}
		return stored, err
	}
}

// arrived notes that upd was handled (webhook mode).
func (b *Bot) arrived(chat int64, upd *models.Update) {
	if _, private := privateChat(upd); !private {
		return
	}
	err := b.room.Store.DoneInbound(context.Background(), chat, upd.ID)
	if err != nil {
		// Once more: a note left behind holds the chat's burst back until
		// it goes stale.
		err = b.room.Store.DoneInbound(context.Background(), chat, upd.ID)
	}
	if err != nil {
		b.room.Degrade("store", err)
	}
}

// privateChat is the chat of a private message or its edit.
func privateChat(upd *models.Update) (int64, bool) {
	switch {
	case upd.Message != nil && upd.Message.Chat.Type == models.ChatTypePrivate:
		return upd.Message.Chat.ID, true
	case upd.EditedMessage != nil && upd.EditedMessage.Chat.Type == models.ChatTypePrivate:
		return upd.EditedMessage.Chat.ID, true
	}
	return 0, false
}
