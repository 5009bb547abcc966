package bot

import (
	"context"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Case buttons carry "case:<id>:<action>" and nothing else: the case is
// looked up by id, never recovered from the message text.
const (
	actionHelpful = "up"
	actionWrong   = "down"
	actionHuman   = "human"
	actionShare   = "share" // consent to share flagged conversations
)

func caseData(caseID, action string) string { return "case:" + caseID + ":" + action }

// onCallback handles an inline button press. Every press is answered,
// so the user's button stops spinning whatever happens.
func (b *Bot) onCallback(ctx context.Context, q *models.CallbackQuery) {
	answer := &tgbot.AnswerCallbackQueryParams{CallbackQueryID: q.ID}
	defer func() {
		if _, err := b.api.AnswerCallbackQuery(ctx, answer); err != nil {
			b.log.Warn("answerCallbackQuery failed", "err", err)
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
		answer.Text = b.onCaseButton(ctx, chat, q.From, caseID, action)
	case "lang":
		// The language keyboard is only ever sent in private chats; a
		// group's language is an admin's setting ("set").
		if chat != q.From.ID {
			b.refuse("lang", chat, q.From.ID)
			return
		}
		b.setLanguage(ctx, chat, &q.From, rest)
	case "set":
		answer.Text = b.onSettingsButton(ctx, q, rest)
	case "mv":
		answer.Text = b.onModButton(ctx, q, rest)
		answer.ShowAlert = answer.Text == b.texts.in(q.From.LanguageCode).ModOnly
	case "grd":
		answer.Text = b.onGuardianButton(ctx, q, rest)
	default:
		b.log.Warn("unknown button", "chat", chat)
	}
}

// refuse logs and counts a button pressed by someone it is not for: a
// case of another chat or user, a moderator's button pressed by anyone
// else or outside the moderators' chats. Nothing of the press is acted on.
func (b *Bot) refuse(button string, chat, user int64) {
	b.metrics.refused.WithLabelValues(button).Inc()
	b.log.Warn("button refused: not the presser's", "button", button, "chat", chat, "user", user)
}
