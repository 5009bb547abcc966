package private

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"unicode"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/intent"
	"github.com/scamguard/scamguard/region"
	"github.com/scamguard/scamguard/reply"
	"github.com/scamguard/scamguard/store"
)

// The journeys around a check reply: its first screen with a "why / more"
// button that expands it in place, an "I already did it" button (and the
// same words typed) that get the steps after the loss, a greeting that gets
// how to use the bot, and the question where the user lives, asked once.
// Buttons carry the answer's id; the answer is looked up in the chat's
// store (conversation.Answer), never read back from the bot's message.

// journeyTexts are the texts of journeys.yaml in one language.
type journeyTexts struct {
	BtnMore     string            `yaml:"btn_more"`
	BtnLost     string            `yaml:"btn_lost"`
	BtnShare    string            `yaml:"btn_share"`
	RegionAsk   string            `yaml:"region_ask"`
	RegionOther string            `yaml:"region_other"`
	RegionNames map[string]string `yaml:"region_names"`
}

//go:embed journeys.yaml
var journeysYAML []byte

// loadJourneyTexts parses journeys.yaml and checks that every supported
// region has a name in every language.
func loadJourneyTexts() (map[string]journeyTexts, error) {
	all, err := conversation.LoadLangTexts[journeyTexts]("journey texts", journeysYAML)
	if err != nil {
		return nil, err
	}
	for lang, t := range all {
		for _, code := range region.Supported {
			if strings.TrimSpace(t.RegionNames[code]) == "" {
				return nil, fmt.Errorf("journey texts: %s.region_names lacks %s", lang, code)
			}
		}
	}
	return all, nil
}

func (b *Chats) journeyTextsIn(lang string) journeyTexts {
	return b.journeys[catalog.NormalizeLang(lang)]
}

// Callback data of the reply's journey buttons: "more:<answer id>",
// "lost:<answer id>", "share:<answer id>"; the region question uses
// "set:region:<code>".
const (
	moreData   = "more:"
	lostData   = "lost:"
	shareData  = "share:"
	regionData = "set:region:"
)

// replyKeyboard is the keyboard under a check reply: "why / more" while
// there is more to show, "I already did it" under a warning, "warn my
// family" under a scam, then the case buttons (moderation.CaseButtons).
func (b *Chats) replyKeyboard(lang, id string, more bool, v classifier.Verdict, caseRows [][]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	jt := b.journeyTextsIn(lang)
	var row []models.InlineKeyboardButton
	if more {
		row = append(row, models.InlineKeyboardButton{Text: jt.BtnMore, CallbackData: moreData + id})
	}
	if warns(v) {
		row = append(row, models.InlineKeyboardButton{Text: jt.BtnLost, CallbackData: lostData + id})
	}
	var rows [][]models.InlineKeyboardButton
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if v.Level == classifier.LevelScam {
		rows = append(rows, []models.InlineKeyboardButton{{Text: jt.BtnShare, CallbackData: shareData + id}})
	}
	rows = append(rows, caseRows...)
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

// warns reports whether a verdict is a warning.
func warns(v classifier.Verdict) bool {
	return v.Level == classifier.LevelScam || v.Level == classifier.LevelSuspicious
}

// OnMoreButton expands a reply's first screen to the whole reply, in the
// same message. The answer is looked up in the presser's own chat, so an
// id of another chat finds nothing; the note is for an answer gone.
func (b *Chats) OnMoreButton(ctx context.Context, q *models.CallbackQuery, id string) string {
	chat, message := q.From.ID, q.Message.Message.ID
	a, err := b.LoadAnswer(ctx, chat, id)
	if err != nil {
		return b.answerGone(ctx, chat, &q.From, err)
	}
	full := b.Replies.RenderHTML(a.Verdict, reply.Options{Lang: a.Lang, Region: b.regionFor(ctx, chat, a), RegionFinal: true})
	t := b.Texts.In(full.Lang)
	keyboard := b.replyKeyboard(full.Lang, id, false, a.Verdict, b.caseRows(t, id, a.Consent))
	params := &tgbot.EditMessageTextParams{ChatID: chat, MessageID: message, Text: full.Text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()}, ReplyMarkup: keyboard}
	b.QueueEdit(chat, false, "more", params)
	return ""
}

// OnLostButton answers "I already did it" under a warning with the steps
// after the loss that the warning's scam leads to, in its region.
func (b *Chats) OnLostButton(ctx context.Context, q *models.CallbackQuery, id string) string {
	chat := q.From.ID
	a, err := b.LoadAnswer(ctx, chat, id)
	if err != nil {
		return b.answerGone(ctx, chat, &q.From, err)
	}
	steps := b.Replies.AfterLoss(intent.Loss{}, a.Verdict, reply.Options{Lang: a.Lang, Region: b.regionFor(ctx, chat, a), RegionFinal: true}, reply.HTML)
	b.SendText(chat, false, "after_loss", steps.Text, q.Message.Message.ID)
	return ""
}

// OnShareButton answers "warn my family" under a scam warning with a card
// to forward (reply.ShareCard): the scam, what comes next and the official
// channels, never the conversation; the card itself asks to be forwarded.
// No note: a note would race the card in the user's chat.
func (b *Chats) OnShareButton(ctx context.Context, q *models.CallbackQuery, id string) string {
	chat := q.From.ID
	a, err := b.LoadAnswer(ctx, chat, id)
	if err != nil {
		return b.answerGone(ctx, chat, &q.From, err)
	}
	card := b.Replies.ShareCard(a.Verdict, reply.Options{Lang: a.Lang, Region: b.regionFor(ctx, chat, a), RegionFinal: true}, reply.HTML)
	if card.Text == "" {
		return b.Texts.In(card.Lang).CaseExpired
	}
	b.SendText(chat, false, "share", card.Text, 0)
	return ""
}

// regionFor is the region of a button pressed under an answer: the region
// the user picked when they did — they may have answered "where do you
// live?" after the warning, and the steps after a loss must be their
// region's, or no region's when they said "Somewhere else" — else the
// region the answer was written for.
func (b *Chats) regionFor(ctx context.Context, chat int64, a conversation.Answer) string {
	if region, picked := pickedRegion(b.Settings(ctx, chat)); picked {
		return region
	}
	return a.Region
}

// pickedRegion is the region the user chose: their setting, or none when
// they answered "Somewhere else" (a region not in the list: no bank or
// hotline of a region they did not pick). picked is false when they chose
// neither, and the region is guessed.
func pickedRegion(settings store.Settings) (region string, picked bool) {
	switch {
	case settings.Region != "":
		return settings.Region, true
	case settings.RegionElsewhere:
		return "", true
	}
	return "", false
}

// answerGone is the note for a button whose answer is not there: expired,
// forgotten, or another chat's (answered alike, so a guessed id learns
// nothing).
func (b *Chats) answerGone(ctx context.Context, chat int64, from *models.User, err error) string {
	t := b.Texts.In(conversation.UILang(b.Settings(ctx, chat), from))
	if !conversation.IsNoAnswer(err) {
		b.Degrade("store", err)
		return t.SettingsFailed
	}
	return t.CaseExpired
}

// onOwnWords answers what the user says in their own words rather than a
// conversation to check: "I already gave them the code" gets the steps
// after the loss (after any pending burst is answered), a greeting gets how
// to use the bot. Forwarded messages are never the user's own words. It
// reports whether it answered.
func (b *Chats) onOwnWords(ctx context.Context, msg *models.Message, text string) bool {
	if msg.ForwardOrigin != nil {
		return false
	}
	chat := msg.Chat.ID
	if loss := b.Intents.Loss(text); loss.Reported() {
		b.answerPending(chat)
		b.answerLoss(ctx, msg, text, loss)
		return true
	}
	if b.Intents.IsGreeting(text) && !b.burstOpen(ctx, chat) {
		settings, err := b.Store.Settings(ctx, chat)
		if err != nil {
			b.Degrade("store", err)
		} else {
			b.syncMenuAndSave(ctx, chat, msg.From, &settings)
		}
		hello := b.Replies.Greeting(reply.Options{Lang: b.ownLang(ctx, settings, msg.From, text)}, reply.HTML)
		b.SendText(chat, false, "greeting", hello.Text, 0)
		return true
	}
	return false
}

// answerLoss sends the steps after a loss the user reported in text, for
// the conversation checked so far (its brand, its region).
func (b *Chats) answerLoss(ctx context.Context, msg *models.Message, text string, loss intent.Loss) {
	chat := msg.Chat.ID
	settings := b.Settings(ctx, chat)
	var verdict classifier.Verdict
	var texts []string
	if a, err := b.LastAnswer(ctx, chat); err == nil {
		verdict = a.Verdict
	} else if !conversation.IsNoAnswer(err) {
		b.Degrade("store", err)
	}
	if conv, err := b.Store.Load(ctx, chat); err == nil {
		for _, e := range conv.Window {
			texts = append(texts, e.Text)
		}
	}
	where := conversation.Where{Setting: settings.Region, Texts: append(texts, text), Verdict: verdict}
	if msg.From != nil {
		where.LanguageCode = msg.From.LanguageCode
	}
	region, picked := pickedRegion(settings)
	if !picked {
		region = conversation.UsableRegion(b.RegionOf(where))
	}
	opts := reply.Options{Lang: b.ownLang(ctx, settings, msg.From, text), Region: region, RegionFinal: true}
	steps := b.Replies.AfterLoss(loss, verdict, opts, reply.HTML)
	b.SendText(chat, false, "after_loss", steps.Text, msg.ID)
}

// ownLang is the language to answer the user's own words in: their
// setting, else the words' script, else their Telegram language.
func (b *Chats) ownLang(ctx context.Context, settings store.Settings, from *models.User, text string) string {
	if settings.Language != "" {
		return settings.Language
	}
	if strings.IndexFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
		v := b.Classifier.Classify(ctx, classifier.Conversation{Messages: []classifier.Message{{From: classifier.SpeakerUser, Text: text}}})
		if v.Language != "" {
			userLang := ""
			if from != nil {
				userLang = from.LanguageCode
			}
			return inUsersScript(userLang, v.Language, v.Language)
		}
	}
	if from != nil && from.LanguageCode != "" {
		return catalog.NormalizeLang(from.LanguageCode)
	}
	return "en"
}

// inUsersScript is the language to answer a conversation in, when the
// chat has no language setting: byScript (the conversation's own), except
// that a Chinese conversation is answered in the script of a Chinese
// user's Telegram — its tag (zh-TW, zh-HK, zh-Hans), which also picks
// Taiwan's or Hong Kong's words. A Taiwan reader who forwards a Simplified
// script reads the warning in Traditional, and "你好", written alike in
// both scripts, is answered in the user's (issue #15: the user's setting,
// then the script).
func inUsersScript(userLang, byScript, conversationLang string) string {
	if userLang == "" || catalog.NormalizeLang(userLang) == reply.LangEn || catalog.NormalizeLang(conversationLang) == reply.LangEn {
		return byScript
	}
	return userLang
}

// askRegion asks where the user lives, with a button per region (the
// likeliest first) and one for elsewhere, in lang.
func (b *Chats) askRegion(chat int64, lang string, guess region.Guess) {
	jt := b.journeyTextsIn(lang)
	var rows [][]models.InlineKeyboardButton
	var row []models.InlineKeyboardButton
	for _, code := range guess.Choices() {
		row = append(row, models.InlineKeyboardButton{Text: jt.RegionNames[code], CallbackData: regionData + code})
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	row = append(row, models.InlineKeyboardButton{Text: jt.RegionOther, CallbackData: regionData + "auto"})
	rows = append(rows, row)
	b.Queue(chat, false, "region_ask", &tgbot.SendMessageParams{ChatID: chat, Text: jt.RegionAsk, ParseMode: models.ParseModeHTML,
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: rows}})
}

// markRegionAsked records that the user was asked where they live.
func (b *Chats) markRegionAsked(ctx context.Context, chat int64, settings *store.Settings) {
	settings.RegionAsked = true
	if err := b.Store.SaveSettings(ctx, chat, *settings); err != nil {
		b.Degrade("store", err)
	}
}

// OnRegionButton stores the region the user picked on the region question
// (callback data "set:<rest>", rest "region:<code>" or "region:auto") and
// turns the question into the answer.
func (b *Chats) OnRegionButton(ctx context.Context, q *models.CallbackQuery, rest string) string {
	chat := q.From.ID
	setting, value, _ := strings.Cut(rest, ":")
	if setting != "region" || value != "auto" && !slices.Contains(b.Catalog.Regions(), value) {
		return ""
	}
	settings := b.Settings(ctx, chat)
	t := b.Texts.In(conversation.UILang(settings, &q.From))
	settings.Region, settings.RegionAsked, settings.RegionElsewhere = value, true, false
	shown := b.journeyTextsIn(conversation.UILang(settings, &q.From)).RegionNames[value]
	if value == "auto" {
		settings.Region, settings.RegionElsewhere, shown = "", true, t.Auto
	}
	if shown == "" {
		shown = value
	}
	if err := b.Store.SaveSettings(ctx, chat, settings); err != nil {
		b.Degrade("store", err)
		return t.SettingsFailed
	}
	params := &tgbot.EditMessageTextParams{ChatID: chat, MessageID: q.Message.Message.ID, Text: fmt.Sprintf(t.RegionSet, shown),
		ParseMode: models.ParseModeHTML, ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}}}
	b.QueueEdit(chat, false, "region", params)
	return ""
}

// burstTexts are the conversation's messages as stored (redacted), else
// the burst's own while the store fails: evidence of where the user lives.
func burstTexts(br *burst) []string {
	var texts []string
	for _, e := range br.window {
		texts = append(texts, e.Text)
	}
	for _, m := range br.fallback {
		texts = append(texts, m.Text)
	}
	return texts
}
