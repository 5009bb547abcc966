package bot

import (
	"context"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/reply"
)

// Case buttons carry "case:<id>:<action>" and nothing else: the case is
// looked up by id, never recovered from the message text.
const (
	actionHelpful = "up"
	actionWrong   = "down"
	actionHuman   = "human"
)

func caseData(caseID, action string) string { return "case:" + caseID + ":" + action }

// draftCase keeps what a later button press on this reply needs and
// returns the case id the buttons carry.
func (b *Bot) draftCase(ctx context.Context, chat int64, br *burst, verdict classifier.Verdict, rendered reply.Reply) string {
	return randomToken(10)
}

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
		b.setLanguage(ctx, chat, &q.From, rest)
	case "set":
		answer.Text = b.onSettingsButton(ctx, q, rest)
	case "grd":
		answer.Text = b.onGuardianButton(ctx, q, rest)
	default:
		b.log.Warn("unknown button", "chat", chat)
	}
}

// onCaseButton records feedback on a check reply and returns the note
// shown to the user.
func (b *Bot) onCaseButton(ctx context.Context, chat int64, from models.User, caseID, action string) string {
	t := b.texts.in(uiLang(b.settings(ctx, chat), &from))
	switch action {
	case actionHelpful:
		b.metrics.feedback.WithLabelValues("helpful").Inc()
		return t.ThanksHelpful
	case actionWrong:
		b.metrics.feedback.WithLabelValues("wrong").Inc()
		return t.ThanksWrong
	case actionHuman:
		b.metrics.feedback.WithLabelValues("ask_human").Inc()
		return t.HumanQueued
	}
	return ""
}
