package bot

import (
	"context"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// onCallback hands an inline button press to the room whose button it is,
// by the first field of its callback data. Every press is answered, so the
// user's button stops spinning whatever happens.
func (b *Bot) onCallback(ctx context.Context, q *models.CallbackQuery) {
	answer := &tgbot.AnswerCallbackQueryParams{CallbackQueryID: q.ID}
	defer func() {
		if _, err := b.room.API.AnswerCallbackQuery(ctx, answer); err != nil {
			b.room.Log.Warn("answerCallbackQuery failed", "err", err)
		}
	}()
	chat := q.From.ID
	if m := q.Message.Message; m != nil {
		chat = m.Chat.ID
	}
	kind, rest, _ := strings.Cut(q.Data, ":")
	switch kind {
	case "case":
		caseID, action, _ := strings.Cut(rest, ":")
		answer.Text = b.moderation.OnCaseButton(ctx, chat, q.From, caseID, action)
	case "lang":
		// The language keyboard is only ever sent in private chats; a
		// group's language is an admin's setting ("set").
		if chat != q.From.ID {
			b.room.Refuse("lang", chat, q.From.ID)
			return
		}
		b.private.OnLanguageButton(ctx, chat, &q.From, rest)
	case "set":
		// A group's admins' panel, or a private chat's region question.
		if chat == q.From.ID {
			answer.Text = b.private.OnRegionButton(ctx, q, rest)
			return
		}
		answer.Text = b.groups.OnSettingsButton(ctx, q, rest)
	case "more", "lost", "share":
		// A check reply's journey buttons exist only in private chats,
		// and find only the presser's own chat's answers.
		if chat != q.From.ID || q.Message.Message == nil {
			b.room.Refuse(kind, chat, q.From.ID)
			return
		}
		switch kind {
		case "more":
			answer.Text = b.private.OnMoreButton(ctx, q, rest)
		case "lost":
			answer.Text = b.private.OnLostButton(ctx, q, rest)
		default:
			answer.Text = b.private.OnShareButton(ctx, q, rest)
		}
	case "mv":
		answer.Text = b.moderation.OnButton(ctx, q, rest)
		answer.ShowAlert = answer.Text == b.room.Texts.In(q.From.LanguageCode).ModOnly
	case "grd":
		answer.Text = b.guardians.OnButton(ctx, q, rest)
	default:
		b.room.Log.Warn("unknown button", "chat", chat)
	}
}
