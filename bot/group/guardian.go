package group

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/store"
)

// Guardians, privacy first: a user names a guardian by sending them a
// one-use link (/guardian); the guardian accepts in their own private chat
// with the bot; from then on, when a conversation the user forwards
// reaches scam, the guardian gets a short note (who, which scam type,
// when, the advice), never the transcript. Either side revokes with
// /guardian. Buttons carry "grd:ok|no:<token>" and "grd:rm:<user id>"; the
// invitation and the links live in the store, never in message text.

// Guardians links users with the people they trust, and alerts those when
// a conversation a user forwards (or a group warning about their message)
// reaches scam.
type Guardians struct {
	*conversation.Room
	texts texts
}

// StartPrefix starts the /start argument of an invitation link.
const StartPrefix = "grd_"

// OnCommand handles /guardian in a private chat: a fresh
// invitation link, and the current links with a button to end each.
func (b *Guardians) OnCommand(ctx context.Context, msg *models.Message, arg string) {
	chat := msg.Chat.ID
	if msg.From == nil {
		return
	}
	settings := b.Settings(ctx, chat)
	t := b.texts.in(conversation.UILang(settings, msg.From))
	token := conversation.RandomToken()
	invite := store.GuardianInvite{User: msg.From.ID, Name: conversation.DisplayName(msg.From), Lang: msg.From.LanguageCode}
	guardians, errGuardians := b.Store.Guardians(ctx, msg.From.ID)
	wards, errWards := b.Store.Wards(ctx, msg.From.ID)
	if err := errors.Join(b.Store.SaveGuardianInvite(ctx, token, invite), errGuardians, errWards); err != nil {
		b.Degrade("store", err)
		b.SendText(chat, false, "guardian", t.GuardianFailed, 0)
		return
	}
	link := "https://t.me/" + b.Username + "?start=" + StartPrefix + token
	lines := []string{fmt.Sprintf(t.GuardianIntro, html.EscapeString(link))}
	var buttons [][]models.InlineKeyboardButton
	names := func(links []store.GuardianLink, label string) string {
		var shown []string
		for _, l := range links {
			shown = append(shown, "<b>"+html.EscapeString(l.Name)+"</b>")
			buttons = append(buttons, []models.InlineKeyboardButton{{
				Text: fmt.Sprintf(label, l.Name), CallbackData: "grd:rm:" + strconv.FormatInt(l.ID, 10)}})
		}
		return strings.Join(shown, ", ")
	}
	if len(guardians) == 0 {
		lines = append(lines, t.GuardianNone)
	} else {
		lines = append(lines, fmt.Sprintf(t.GuardianList, names(guardians, t.BtnRemoveGuardian)))
	}
	if len(wards) > 0 {
		lines = append(lines, fmt.Sprintf(t.GuardianWards, names(wards, t.BtnStopGuarding)))
	}
	params := &tgbot.SendMessageParams{ChatID: chat, Text: strings.Join(lines, "\n\n"), ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()}}
	if len(buttons) > 0 {
		params.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: buttons}
	}
	b.Queue(chat, false, "guardian", params)
}

// OnStart handles "/start grd_<token>", the invitation link opened
// by the would-be guardian: it says who asks, with accept and decline
// buttons. Nothing is linked until the guardian presses accept.
func (b *Guardians) OnStart(ctx context.Context, msg *models.Message, arg string) {
	chat := msg.Chat.ID
	if msg.From == nil {
		return
	}
	t := b.texts.in(conversation.UILang(b.Settings(ctx, chat), msg.From))
	token := strings.TrimPrefix(arg, StartPrefix)
	invite, ok, err := b.Store.PeekGuardianInvite(ctx, token)
	switch {
	case err != nil:
		b.Degrade("store", err)
		b.SendText(chat, false, "guardian", t.GuardianFailed, 0)
		return
	case !ok || !validToken(token):
		b.SendText(chat, false, "guardian", t.GuardianInvalid, 0)
		return
	case invite.User == msg.From.ID:
		b.SendText(chat, false, "guardian", t.GuardianSelf, 0)
		return
	}
	b.Queue(chat, false, "guardian", &tgbot.SendMessageParams{
		ChatID: chat, Text: fmt.Sprintf(t.GuardianAsk, html.EscapeString(invite.Name)), ParseMode: models.ParseModeHTML,
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{
			{Text: t.BtnAccept, CallbackData: "grd:ok:" + token},
			{Text: t.BtnDecline, CallbackData: "grd:no:" + token},
		}}},
	})
}

// validToken keeps made-up tokens (and oversized callback data) out.
func validToken(token string) bool {
	if token == "" || len(token) > 32 {
		return false
	}
	for _, c := range token {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// OnButton handles a press on a guardian invitation or revocation
// button (callback data "grd:<rest>") and returns the note shown.
func (b *Guardians) OnButton(ctx context.Context, q *models.CallbackQuery, rest string) string {
	if m := q.Message.Message; m != nil && m.Chat.Type != models.ChatTypePrivate {
		return "" // guardian buttons live in private chats only
	}
	presser := q.From
	t := b.texts.in(conversation.UILang(b.Settings(ctx, presser.ID), &presser))
	action, value, _ := strings.Cut(rest, ":")
	switch action {
	case "ok":
		if !validToken(value) {
			return t.GuardianInvalid
		}
		invite, ok, err := b.Store.AcceptGuardianInvite(ctx, value, store.GuardianLink{ID: presser.ID, Name: conversation.DisplayName(&presser)})
		switch {
		case errors.Is(err, store.ErrOwnGuardian):
			return t.GuardianSelf
		case errors.Is(err, store.ErrTooManyGuardians):
			b.SendText(presser.ID, false, "guardian", fmt.Sprintf(t.GuardianTooMany, html.EscapeString(invite.Name)), 0)
			return ""
		case err != nil:
			b.Degrade("store", err)
			return t.GuardianFailed
		case !ok:
			b.SendText(presser.ID, false, "guardian", t.GuardianInvalid, 0)
			return ""
		}
		b.SendText(presser.ID, false, "guardian", fmt.Sprintf(t.GuardianAccepted, html.EscapeString(invite.Name)), 0)
		userTexts := b.texts.in(conversation.UILang(b.Settings(ctx, invite.User), &models.User{LanguageCode: invite.Lang}))
		b.SendText(invite.User, false, "guardian", fmt.Sprintf(userTexts.GuardianLinked, html.EscapeString(conversation.DisplayName(&presser))), 0)
		return ""
	case "no":
		return t.GuardianDeclined
	case "rm":
		other, err := strconv.ParseInt(value, 10, 64)
		if err != nil || other <= 0 {
			return ""
		}
		// The presser may be either side of the link.
		asUser, errUser := b.Store.RemoveGuardian(ctx, presser.ID, other)
		asGuardian, errGuardian := b.Store.RemoveGuardian(ctx, other, presser.ID)
		if err := errors.Join(errUser, errGuardian); err != nil {
			b.Degrade("store", err)
			return t.GuardianFailed
		}
		if asUser || asGuardian {
			otherTexts := b.texts.in(conversation.UILang(b.Settings(ctx, other), nil))
			b.SendText(other, false, "guardian", fmt.Sprintf(otherTexts.GuardianRemovedNote, html.EscapeString(conversation.DisplayName(&presser))), 0)
		}
		return t.GuardianRemoved
	}
	return ""
}

// Alert tells the guardians of user (who reached a scam verdict
// in chat) what happened, without the transcript: once per conversation,
// guardian and scam (type and brand).
func (b *Guardians) Alert(ctx context.Context, chat, user int64, verdict classifier.Verdict) {
	if user == 0 || verdict.Level != classifier.LevelScam {
		return
	}
	guardians, err := b.Store.Guardians(ctx, user)
	if err != nil {
		b.Degrade("store", err)
		return
	}
	b.AlertGuardians(ctx, chat, user, verdict, guardians)
}

// AlertGuardians is Alert for guardians the caller read already (a
// private burst's claim reads them in its own round trip).
func (b *Guardians) AlertGuardians(ctx context.Context, chat, user int64, verdict classifier.Verdict, guardians []store.GuardianLink) {
	if user == 0 || verdict.Level != classifier.LevelScam {
		return
	}
	for _, guardian := range guardians {
		// Once per guardian and scam in a conversation: a second,
		// different scam is news to them; the same one is not.
		first, err := b.Store.MarkOnce(ctx, chat, "guardian:"+strconv.FormatInt(guardian.ID, 10)+":"+scamKind(verdict))
		if err != nil {
			b.Degrade("store", err)
			continue
		}
		if !first {
			continue
		}
		name := b.wardName(ctx, guardian.ID, user)
		b.SendText(guardian.ID, false, "guardian_alert", b.guardianNote(ctx, guardian.ID, name, verdict), 0)
	}
}

// wardName is how guardian knows user: the name saved when they accepted.
func (b *Guardians) wardName(ctx context.Context, guardian, user int64) string {
	wards, err := b.Store.Wards(ctx, guardian)
	if err != nil {
		b.Degrade("store", err)
	}
	for _, w := range wards {
		if w.ID == user {
			return w.Name
		}
	}
	return strconv.FormatInt(user, 10)
}

// guardianNote is the alert a guardian reads: who, which scam type, when
// (in the guardian's region's time, else the verdict's usable region's,
// else UTC) and the advice.
func (b *Guardians) guardianNote(ctx context.Context, guardian int64, ward string, verdict classifier.Verdict) string {
	settings := b.Settings(ctx, guardian)
	lang := settings.Language
	if lang == "" {
		lang = verdict.Language
	}
	t := b.texts.in(lang)
	where := conversation.UsableRegion(b.RegionOf(conversation.Where{Setting: settings.Region, Verdict: verdict}))
	typeName, advice := t.ScamUnknownType, t.GuardianAlertAdvice
	if st, ok := b.Catalog.ScamType(verdict.Type); ok {
		typeName = st.Names.In(lang)
		// The same rule as a reply: nothing of a region other than the
		// guardian's and the impersonated brand's.
		if never := b.Catalog.NeverDoesFor(verdict.Type, lang, readerRegions(b.Catalog, where, verdict.Brand)...); never != "" {
			advice = never
		}
	}
	when := localTime(time.Now(), where)
	return fmt.Sprintf(t.GuardianAlert, html.EscapeString(ward), html.EscapeString(typeName), when, html.EscapeString(advice))
}

// readerRegions are the regions whose names a text may carry for a reader
// in region (empty: unknown) about a scam impersonating brand: theirs and
// the brand's.
func readerRegions(cat *catalog.Catalog, region, brand string) []string {
	var allowed []string
	if region != "" {
		allowed = append(allowed, region)
	}
	if b, ok := cat.Brand(brand); ok && b.Region != region {
		allowed = append(allowed, b.Region)
	}
	return allowed
}
