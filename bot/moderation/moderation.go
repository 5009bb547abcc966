// Package moderation is the moderators' room: every check reply can
// become a case, the user's buttons on it (👍 👎 🙋 🤝) queue it, cards
// with decision buttons go to the moderators' chat, /queue, /stats and
// /console serve moderators, and a decision (from a card or the web
// console) edits the card and, when it differs from what the user was
// told, sends them one follow-up. Cases, decisions and fingerprints live
// in package review.
package moderation

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/bot/sendqueue"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/reply"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/store"
)

// Moderation: every check reply can become a case, built from its answer
// and the conversation's window when a 👎, an "ask a human" or a consented
// warning queues it for moderators (package review),
// whose decisions come back here: the card in the moderators' chat is
// edited, the user gets a follow-up when the decision differs from what
// they were told, and confirmed scripts become fingerprints that the next
// check consults right after the heuristics (detect's fingerprint stage).

// Desk is the moderators' room.
type Desk struct {
	*conversation.Room
	console *review.Console
	// modLang is the language of cards and answers in the moderators'
	// group (zh or en).
	modLang string
}

// New builds the room; with a review queue it also builds the web console
// (cfg), whose decisions come back through AfterDecision. modLang is the
// language of the moderators' group (zh or en; empty: en).
func New(room *conversation.Room, cfg review.ConsoleConfig, modLang string) *Desk {
	d := &Desk{Room: room, modLang: review.ModLang(modLang)}
	room.Send.Handle(afterCard, d.cardSent)
	if room.Review != nil {
		cfg.OnDecision = d.AfterDecision
		if cfg.Log == nil {
			cfg.Log = room.Log
		}
		d.console = review.NewConsole(room.Review, cfg)
	}
	return d
}

// Console is the web console's handler; nil without a review queue.
func (b *Desk) Console() http.Handler {
	if b.console == nil {
		return nil
	}
	return b.console
}

// Case buttons carry "case:<id>:<action>" and nothing else: the case is
// looked up by id, never recovered from the message text.
const (
	actionHelpful = "up"
	actionWrong   = "down"
	actionHuman   = "human"
	actionShare   = "share" // consent to share flagged conversations
)

func caseData(caseID, action string) string { return "case:" + caseID + ":" + action }

// CaseButtons are the buttons under a check reply (t is in the reply's
// language); askConsent adds the one that shares later warnings with
// moderators.
func CaseButtons(t conversation.UITexts, caseID string, askConsent bool) [][]models.InlineKeyboardButton {
	keyboard := [][]models.InlineKeyboardButton{{
		{Text: t.BtnHelpful, CallbackData: caseData(caseID, actionHelpful)},
		{Text: t.BtnWrong, CallbackData: caseData(caseID, actionWrong)},
	}, {
		{Text: t.BtnHuman, CallbackData: caseData(caseID, actionHuman)},
	}}
	if askConsent {
		keyboard = append(keyboard, []models.InlineKeyboardButton{{Text: t.BtnShare, CallbackData: caseData(caseID, actionShare)}})
	}
	return keyboard
}

// Callback data of the moderators' card: "mv:<verb>:<case>[:<type>]".
const (
	modConfirm = "s" // confirm scam, with the bot's type or the one given
	modLegit   = "l"
	modRetype  = "t" // show the type choices
	modSkip    = "k"
	modBack    = "b" // back from the type choices
)

// CaseID is the case id a reply's review buttons carry. Nothing is
// drafted for it: the reply's answer (conversation.Answer, saved under
// the same id) and the conversation's window are what the case is built
// from when the user asks for a review (caseFromAnswer). Without a review
// queue the id is random: the buttons still answer.
func (b *Desk) CaseID(chat int64) string {
	if b.Review == nil {
		return conversation.RandomToken()
	}
	return review.NewCaseID(chat)
}

// ShareConsented queues a warning of a user who agreed to share flagged
// conversations with moderators.
func (b *Desk) ShareConsented(ctx context.Context, chat int64, caseID string, verdict classifier.Verdict, consent bool) {
	if b.Review == nil || !consent || verdict.Level == classifier.LevelNone {
		return
	}
	if err := b.submit(ctx, chat, caseID, review.ReasonFlagged, ""); err != nil {
		// The user got their warning; only the moderators miss this case.
		b.Degrade("review", fmt.Errorf("queue consented case %s: %w", caseID, err))
	}
}

// pendingCase is a case the buttons of a reply may queue: queued is set
// when review has it (queued, or drafted before answers carried what a
// case is built from), else answer is the reply's answer it is built from.
type pendingCase struct {
	queued *review.Case
	answer conversation.Answer
}

// findCase looks case id up: in review, else among chat's answers;
// review.ErrNotFound when neither has it.
func (b *Desk) findCase(ctx context.Context, chat int64, id string) (pendingCase, error) {
	c, err := b.Review.Case(ctx, id)
	if err == nil {
		return pendingCase{queued: &c}, nil
	}
	if !errors.Is(err, review.ErrNotFound) {
		return pendingCase{}, err
	}
	a, err := b.LoadAnswer(ctx, chat, id)
	switch {
	case conversation.IsNoAnswer(err):
		return pendingCase{}, fmt.Errorf("case %s: %w", id, review.ErrNotFound)
	case err != nil:
		return pendingCase{}, err
	case a.LastSeq == 0:
		// An answer kept before answers carried their window, whose draft
		// has expired: nothing to build the case from.
		return pendingCase{}, fmt.Errorf("case %s: %w", id, review.ErrNotFound)
	}
	return pendingCase{answer: a}, nil
}

// caseFromAnswer builds the case of answer id for moderators: the
// conversation as the window holds it now, from the answer's first
// message to its last, the verdict with each signal pointing into that
// transcript, and the reply rendered again from the verdict as the user
// got it. Messages that have left the window since (a long conversation
// went on) are counted in Earlier and their signals keep their quotes
// without a message to point to; so the moderator reads what remains and
// is told what does not.
func (b *Desk) caseFromAnswer(ctx context.Context, chat int64, id string, a conversation.Answer, feedback string) (review.Case, error) {
	conv, err := b.Store.Load(ctx, chat)
	if err != nil {
		return review.Case{}, err
	}
	var window []store.Entry
	for _, e := range conv.Window {
		if e.Seq >= a.FirstSeq && e.Seq <= a.LastSeq {
			window = append(window, e)
		}
	}
	first := a.LastSeq + 1 // of the transcript; past the end when it is empty
	if len(window) > 0 {
		first = window[0].Seq
	}
	rendered := b.Replies.RenderHTML(a.Verdict, reply.Options{Lang: a.Lang, Region: a.Region, RegionFinal: true})
	verdict := review.VerdictOf(a.Verdict)
	for i := range verdict.Signals {
		// The verdict indexes the whole conversation (message Seq - 1).
		verdict.Signals[i].MessageIndex += 1 - int(first)
		if verdict.Signals[i].MessageIndex < 0 || verdict.Signals[i].MessageIndex >= len(window) {
			verdict.Signals[i].MessageIndex = -1
		}
	}
	if feedback == "" {
		feedback = a.Feedback
	}
	return review.Case{
		ID: id, Chat: chat, User: a.User, Feedback: feedback,
		Transcript: review.TranscriptOf(window),
		Earlier:    int(max(0, first-max(a.FirstSeq, 1))),
		Verdict:    verdict, Reply: rendered.Text, Language: rendered.Lang, Created: a.Created,
	}, nil
}

// submit queues case id of chat for reason (feedback: the user's 👎 with
// it, or "") and posts its card when this call queued it: a case review
// has gets the reason, one not queued yet is built from its answer.
func (b *Desk) submit(ctx context.Context, chat int64, caseID, reason, feedback string) error {
	pending, err := b.findCase(ctx, chat, caseID)
	if err != nil {
		return err
	}
	var queued bool
	switch {
	case pending.queued != nil && feedback != "":
		queued, err = b.Review.Feedback(ctx, chat, caseID, false)
	case pending.queued != nil:
		queued, err = b.Review.Submit(ctx, chat, caseID, reason)
	default:
		var c review.Case
		if c, err = b.caseFromAnswer(ctx, chat, caseID, pending.answer, feedback); err == nil {
			queued, err = b.Review.SubmitCase(ctx, c, reason)
		}
	}
	if err != nil {
		return err
	}
	if queued {
		b.postCard(ctx, caseID, b.ModChat, nil)
	}
	return nil
}

// helpful records the user's 👍: on the case when review has it, else on
// the answer, so that a case queued from it later shows it.
func (b *Desk) helpful(ctx context.Context, chat int64, caseID string) error {
	pending, err := b.findCase(ctx, chat, caseID)
	if err != nil {
		return err
	}
	if pending.queued != nil {
		_, err = b.Review.Feedback(ctx, chat, caseID, true)
		return err
	}
	pending.answer.Feedback = "helpful"
	err = b.ReplaceAnswer(ctx, chat, caseID, pending.answer)
	if conversation.IsNoAnswer(err) {
		return fmt.Errorf("case %s: %w", caseID, review.ErrNotFound)
	}
	return err
}

// OnCaseButton records a user's press on a check reply and returns the
// note shown to them.
func (b *Desk) OnCaseButton(ctx context.Context, chat int64, from models.User, caseID, action string) string {
	settings := b.Settings(ctx, chat)
	t := b.Texts.In(conversation.UILang(settings, &from))
	switch action {
	case actionHelpful, actionWrong, actionHuman, actionShare:
		// Counted only when known: callback data comes from the client,
		// and a metric label must not take whatever it sends.
		b.Metrics.Feedback.WithLabelValues(action).Inc()
	default:
		return ""
	}
	if b.Review != nil {
		owned, err := b.ownsCase(ctx, chat, from.ID, caseID)
		if trouble := b.caseTrouble(err, t); trouble != "" {
			return trouble
		}
		if !owned {
			// Answered like an unknown case: a guessed or leaked id
			// learns nothing, not even that the case exists.
			b.Refuse("case", chat, from.ID)
			return t.CaseExpired
		}
	}
	if b.Review == nil {
		switch action {
		case actionHelpful:
			return t.ThanksHelpful
		case actionWrong:
			return t.ThanksWrong
		}
		return t.HumanQueued
	}
	var err error
	note := ""
	switch action {
	case actionHelpful:
		err, note = b.helpful(ctx, chat, caseID), t.ThanksHelpful
	case actionWrong:
		err, note = b.submit(ctx, chat, caseID, review.ReasonWrong, "unhelpful"), t.ThanksWrong
	case actionHuman:
		err, note = b.submit(ctx, chat, caseID, review.ReasonAskHuman, ""), t.HumanQueued
	case actionShare:
		settings.ShareConsent = true
		if err = b.Store.SaveSettings(ctx, chat, settings); err == nil {
			err = b.submit(ctx, chat, caseID, review.ReasonFlagged, "")
		}
		note = t.ShareDone
	default:
		return ""
	}
	if trouble := b.caseTrouble(err, t); trouble != "" {
		return trouble
	}
	return note
}

// caseTrouble is what the user hears when reading or changing their case
// failed: that it expired when it is gone, else that it failed (counted
// as degraded review); "" when err is nil.
func (b *Desk) caseTrouble(err error, t conversation.UITexts) string {
	switch {
	case errors.Is(err, review.ErrNotFound):
		return t.CaseExpired
	case err != nil:
		b.Degrade("review", err)
		return t.SettingsFailed
	}
	return ""
}

// ownsCase reports whether the case belongs to chat and, when it was
// drafted for a known user, to user: a case's buttons work only where the
// bot sent them, for the person it answered. A case not queued yet is an
// answer of chat's own, found only there.
func (b *Desk) ownsCase(ctx context.Context, chat, user int64, caseID string) (bool, error) {
	// Looked up in the chat the id names, so that a press elsewhere finds
	// the case and is refused as not its own.
	home := review.CaseChat(caseID)
	if home == 0 {
		home = chat
	}
	pending, err := b.findCase(ctx, home, caseID)
	if err != nil {
		return false, err
	}
	if c := pending.queued; c != nil {
		return c.Chat == chat && (c.User == 0 || c.User == user), nil
	}
	return home == chat && (pending.answer.User == 0 || pending.answer.User == user), nil
}

// postCard posts case id as a card with the decision buttons to chat (the
// moderators' group, or the private chat of from, a moderator, for
// /queue), and records where it is so that a decision taken anywhere edits
// it.
func (b *Desk) postCard(ctx context.Context, id string, chat int64, from *models.User) {
	if chat == 0 {
		return // no moderators' group: the case waits for /queue and the console
	}
	c, err := b.Review.Case(ctx, id)
	if err != nil {
		b.Degrade("review", err)
		return
	}
	t := b.modTexts(ctx, chat, from)
	params := &tgbot.SendMessageParams{ChatID: chat, Text: cardText(c, t, b.Catalog), ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()}, ReplyMarkup: cardKeyboard(c, t)}
	// The card is recorded by whichever replica sends it (cardSent). No
	// key: a case reaches the moderators' group once by Submit and
	// Feedback, and /queue may show it again.
	b.Send.Send(chat, chat < 0, "card", sendqueue.Message{Method: "sendMessage", Params: params,
		After: afterCard, Ref: id})
}

// afterCard names cardSent in the send queue.
const afterCard = "card"

// cardSent records where case id's card was posted, once it was.
func (b *Desk) cardSent(ctx context.Context, chat int64, id string, sent *models.Message) {
	if sent == nil || b.Review == nil {
		return
	}
	if err := b.Review.SetCard(ctx, id, chat, int64(sent.ID)); err != nil {
		b.Degrade("review", err)
	}
}

// CardsDeleted edits the cards of a user's cases (chat, message: where
// they were posted) to say the user deleted them, with no transcript and
// no buttons: a moderator who sees the card again knows why it is gone,
// and nothing of the conversation stays in the moderators' chat.
func (b *Desk) CardsDeleted(cards [][2]int64) {
	for _, card := range cards {
		chat, message := card[0], int(card[1])
		deletedCardText := b.modTexts(context.Background(), chat, nil).Card.Deleted
		b.QueueEdit(chat, chat < 0, "forget_card", &tgbot.EditMessageTextParams{ChatID: chat, MessageID: message,
			Text: deletedCardText, ParseMode: models.ParseModeHTML,
			ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}}})
	}
}

// OnButton handles a press on a card. Anyone off the allow-list is
// refused, and the refusal is logged with their user id.
func (b *Desk) OnButton(ctx context.Context, q *models.CallbackQuery, rest string) string {
	t := b.Texts.In(q.From.LanguageCode)
	mt := review.ModTextsIn(q.From.LanguageCode)
	if b.Review == nil || !b.Review.Moderators().Allowed(q.From.ID) {
		b.Log.Warn("moderator button refused", "user", q.From.ID)
		b.Metrics.Feedback.WithLabelValues("refused").Inc()
		return t.ModOnly
	}
	// Cards live in the moderators' group or a moderator's own private
	// chat (/queue); a card's buttons pressed anywhere else are not ours.
	if m := q.Message.Message; m == nil || (m.Chat.ID != b.ModChat && m.Chat.ID != q.From.ID) {
		chat := int64(0)
		if m != nil {
			chat = m.Chat.ID
		}
		b.Refuse("moderation", chat, q.From.ID)
		return t.ModOnly
	}
	verb, rest, _ := strings.Cut(rest, ":")
	id, typeSlug, _ := strings.Cut(rest, ":")
	card := q.Message.Message
	switch verb {
	case modRetype, modBack:
		c, err := b.Review.Case(ctx, id)
		if err != nil || card == nil {
			return mt.Card.NotFound
		}
		cardTexts := b.modTexts(ctx, card.Chat.ID, &q.From)
		markup := cardKeyboard(c, cardTexts)
		if verb == modRetype {
			markup = b.typeKeyboard(id, cardTexts)
		}
		chat, message := card.Chat.ID, card.ID
		b.Send.Send(chat, chat < 0, "card", sendqueue.Message{Method: "editMessageReplyMarkup",
			Params: &tgbot.EditMessageReplyMarkupParams{ChatID: chat, MessageID: message, ReplyMarkup: markup}})
		return ""
	}
	decision := review.Decision{By: q.From.ID, Type: typeSlug}
	switch verb {
	case modConfirm:
		decision.Outcome = review.OutcomeScam
	case modLegit:
		decision.Outcome = review.OutcomeLegit
	case modSkip:
		decision.Outcome = review.OutcomeSkip
	default:
		return ""
	}
	c, err := b.Review.Decide(ctx, id, decision)
	if errors.Is(err, review.ErrNotFound) {
		return mt.Card.NotFound
	}
	if err != nil {
		b.Log.Error("moderator decision failed", "case", id, "err", err)
		return mt.Card.StoreFailed
	}
	if c.Card == nil && card != nil {
		// A card posted by /queue in a private chat is edited too.
		c.Card = &review.Card{Chat: card.Chat.ID, Message: int64(card.ID)}
	}
	b.AfterDecision(ctx, c)
	return mt.Card.Stored
}

// AfterDecision shows a decision on the case's card and, once, tells the
// user when the decision differs from what the bot told them. The console
// calls it too.
func (b *Desk) AfterDecision(ctx context.Context, c review.Case) {
	if c.Card != nil {
		chat, message := c.Card.Chat, int(c.Card.Message)
		t := b.modTexts(ctx, chat, nil)
		text := cardText(c, t, b.Catalog)
		b.QueueEdit(chat, chat < 0, "card", &tgbot.EditMessageTextParams{ChatID: chat, MessageID: message, Text: text,
			ParseMode: models.ParseModeHTML, ReplyMarkup: cardKeyboard(c, t)})
	}
	if !c.FollowUpDue() {
		return
	}
	first, err := b.Review.ClaimFollowUp(ctx, c.ID)
	if err != nil {
		b.Degrade("review", err)
		return
	}
	if first {
		b.SendText(c.Chat, c.Chat < 0, "follow_up", html.EscapeString(review.FollowUpText(c, c.Language)), 0)
	}
}

// OnCommand handles /queue, /stats and /console for moderators (in a
// private chat or the moderators' group); it reports whether name was one.
func (b *Desk) OnCommand(ctx context.Context, msg *models.Message, name string) bool {
	if name != "queue" && name != "stats" && name != "console" {
		return false
	}
	chat := msg.Chat.ID
	group := msg.Chat.Type != models.ChatTypePrivate
	var from int64
	if msg.From != nil {
		from = msg.From.ID
	}
	if b.Review == nil || !b.Review.Moderators().Allowed(from) {
		b.Log.Warn("moderator command refused", "user", from, "command", name)
		b.SendText(chat, group, "refused", b.Texts.In(conversation.UILang(b.Settings(ctx, chat), msg.From)).ModOnly, msg.ID)
		return true
	}
	t := b.modTexts(ctx, chat, msg.From)
	switch name {
	case "queue":
		c, ok, err := b.Review.Next(ctx, from)
		switch {
		case err != nil:
			b.Degrade("review", err)
			b.SendText(chat, group, "queue", html.EscapeString(t.Card.QueueFailed), 0)
		case !ok:
			b.SendText(chat, group, "queue", html.EscapeString(t.Card.QueueEmpty), 0)
		default:
			b.postCard(ctx, c.ID, chat, msg.From)
		}
	case "stats":
		stats, err := b.Review.Stats(ctx, time.Time{})
		if err != nil {
			b.Degrade("review", err)
			b.SendText(chat, group, "stats", html.EscapeString(t.Card.StatsFailed), 0)
			return true
		}
		b.SendText(chat, group, "stats", statsText(stats, t, b.Catalog), 0)
	case "console":
		b.sendConsoleLink(ctx, msg, t)
	}
	return true
}

// sendConsoleLink answers /console: a one-time sign-in link, in a private
// chat only, that opens the console in the moderator's language.
func (b *Desk) sendConsoleLink(ctx context.Context, msg *models.Message, t review.ModTexts) {
	chat, group := msg.Chat.ID, msg.Chat.Type != models.ChatTypePrivate
	if group || b.console == nil {
		b.SendText(chat, group, "console", html.EscapeString(t.Card.ConsolePrivate), 0)
		return
	}
	link, err := b.console.LoginLink(ctx, msg.From.ID, t.Lang)
	if err != nil {
		b.Log.Error("console sign-in link", "user", msg.From.ID, "err", err)
		b.SendText(chat, group, "console", html.EscapeString(t.Card.ConsoleFailed), 0)
		return
	}
	b.SendText(chat, group, "console", html.EscapeString(fmt.Sprintf(t.Card.ConsoleLink, link)), 0)
}

// RunUnanswered tells users who asked a human and heard nothing within the
// queue's AnswerWithin that nobody could look yet, until ctx ends. The
// cases wait on a due-set in Redis (review.Queue.Unanswered), so a restart
// loses none; it polls a quarter of AnswerWithin apart, at most a minute.
func (b *Desk) RunUnanswered(ctx context.Context) {
	if b.Review == nil {
		return
	}
	every := min(b.Review.AnswerWithin()/4, time.Minute)
	every = max(every, 10*time.Millisecond)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		b.tellUnanswered(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// tellUnanswered sends each case now due its "nobody could look yet"
// message.
func (b *Desk) tellUnanswered(ctx context.Context) {
	cases, err := b.Review.Unanswered(ctx, time.Now())
	if err != nil && ctx.Err() == nil {
		b.Degrade("review", err)
	}
	for _, c := range cases {
		b.SendText(c.Chat, c.Chat < 0, "unanswered", html.EscapeString(review.UnansweredText(c)), 0)
	}
}
