package private

import (
	"context"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/bot/group"
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/internal/ellipsis"
	"github.com/scamguard/scamguard/store"
)

// onCommand handles the private-chat commands.
func (b *Chats) onCommand(ctx context.Context, msg *models.Message, name, arg string) {
	chat := msg.Chat.ID
	settings, err := b.Store.Settings(ctx, chat)
	switch {
	case err != nil:
		b.Degrade("store", err)
	case name != "lang" && name != "forget": // they change the menu themselves
		b.syncMenuAndSave(ctx, chat, msg.From, &settings)
	}
	t := b.Texts.In(conversation.UILang(settings, msg.From))
	say := func(what, text string) { b.SendText(chat, false, what, text, 0) }
	if b.moderation.OnCommand(ctx, msg, name) {
		return
	}
	switch name {
	case "start":
		if strings.HasPrefix(arg, group.StartPrefix) {
			b.guardians.OnStart(ctx, msg, arg)
			return
		}
		lang := conversation.UILang(settings, msg.From)
		say("start", b.withKeep(t.Start, lang))
		if _, picked := pickedRegion(settings); !picked {
			// Asked at the start, before any reply needs it; the likeliest
			// regions (from the Telegram language) come first.
			guess := b.RegionOf(conversation.Where{LanguageCode: msg.From.LanguageCode})
			b.askRegion(chat, catalog.NormalizeLang(lang), guess)
			b.markRegionAsked(ctx, chat, &settings)
		}
	case "help":
		say("help", t.Help)
	case "privacy":
		say("privacy", b.withKeep(t.Privacy, conversation.UILang(settings, msg.From)))
	case "new":
		b.bursts.drop(chat)
		if err := b.Store.ForgetConversationBefore(ctx, chat, msg.ID); err != nil {
			b.Degrade("store", err)
			say("new", t.SettingsFailed)
			return
		}
		say("new", t.NewDone)
	case "forget":
		b.bursts.drop(chat)
		if err := b.forgetChat(ctx, chat, msg.ID); err != nil {
			b.Log.Error("forget failed", "chat", chat, "err", err)
			say("forget", t.ForgetFailed)
			return
		}
		say("forget", b.Texts.In(conversation.UILang(store.Settings{}, msg.From)).ForgetDone)
	case "mydata":
		b.sendMyData(ctx, chat, msg.From, t)
	case "lang":
		if arg == "" {
			b.Queue(chat, false, "lang", &tgbot.SendMessageParams{ChatID: chat, Text: t.LangPrompt, ReplyMarkup: langKeyboard(t)})
			return
		}
		b.setLanguage(ctx, chat, msg.From, arg)
	case "region":
		b.setRegion(ctx, chat, settings, t, arg)
	case "guardian":
		b.guardians.OnCommand(ctx, msg, arg)
	default:
		say("unknown_command", t.UnknownCommand)
	}
}

// forgetChat deletes everything stored about chat up to the /forget,
// message messageID (messages sent after it stay in the burst), and edits
// the cards its cases left in moderators' chats to say the user deleted
// them.
func (b *Chats) forgetChat(ctx context.Context, chat int64, messageID int) error {
	before, err := b.Store.Settings(ctx, chat)
	if err != nil {
		b.Degrade("store", err) // Forget reports the store's failure
	}
	if _, err := b.Store.ForgetBefore(ctx, chat, messageID); err != nil {
		return err
	}
	if before.Menu != "" {
		// The chat's own menu goes with the setting that named it; the
		// language menus apply until the next message says otherwise.
		b.dropMenu(ctx, chat)
	}
	if err := b.Send.Forget(ctx, chat); err != nil {
		return err
	}
	if b.Review != nil {
		cards, err := b.Store.CaseCards(ctx, chat)
		if err != nil {
			return err
		}
		b.moderation.CardsDeleted(cards)
		if _, err := b.Review.ForgetChat(ctx, chat); err != nil {
			return err
		}
	}
	// A private chat's id is the user's: their guardian links go too.
	if chat > 0 {
		if _, err := b.Store.ForgetGuardianLinks(ctx, chat); err != nil {
			return err
		}
	}
	return nil
}

// withKeep puts how long conversations are kept into a text.
func (b *Chats) withKeep(text, lang string) string {
	ttl := b.Store.TTL()
	n, unit := int(ttl/time.Hour), map[string]string{"zh": " 小时", "zh-Hant": " 小時", "en": " hours"}
	if ttl%(24*time.Hour) == 0 {
		n, unit = int(ttl/(24*time.Hour)), map[string]string{"zh": " 天", "zh-Hant": " 天", "en": " days"}
	}
	return strings.ReplaceAll(text, "{keep}", fmt.Sprint(n)+unit[catalog.NormalizeLang(lang)])
}

func langKeyboard(t conversation.UITexts) *models.InlineKeyboardMarkup {
	var row []models.InlineKeyboardButton
	for _, c := range conversation.LanguageChoices {
		label := c[1]
		if c[0] == "auto" {
			label = t.Auto
		}
		row = append(row, models.InlineKeyboardButton{Text: label, CallbackData: "lang:" + c[0]})
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{row}}
}

// setLanguage stores the reply language ("auto" clears it) and confirms in it.
func (b *Chats) setLanguage(ctx context.Context, chat int64, from *models.User, choice string) {
	value, label := "", ""
	for _, c := range conversation.LanguageChoices {
		if strings.EqualFold(choice, c[0]) {
			value, label = c[0], c[1]
		}
	}
	settings := b.Settings(ctx, chat)
	t := b.Texts.In(conversation.UILang(settings, from))
	if value == "" {
		b.Queue(chat, false, "lang", &tgbot.SendMessageParams{ChatID: chat, Text: t.LangPrompt, ReplyMarkup: langKeyboard(t)})
		return
	}
	if value == "auto" {
		value = ""
	}
	settings.Language = value
	if err := b.Store.SaveSettings(ctx, chat, settings); err != nil {
		b.Degrade("store", err)
		b.SendText(chat, false, "lang", t.SettingsFailed, 0)
		return
	}
	b.syncMenuAndSave(ctx, chat, from, &settings) // a Traditional menu set or removed
	t = b.Texts.In(conversation.UILang(settings, from))
	if label == "" {
		label = t.Auto
	}
	b.SendText(chat, false, "lang", fmt.Sprintf(t.LangSet, label), 0)
}

// setRegion stores the user's region for the anti-fraud line.
func (b *Chats) setRegion(ctx context.Context, chat int64, settings store.Settings, t conversation.UITexts, arg string) {
	known := b.Catalog.Regions()
	list := strings.Join(known, ", ")
	choice := strings.ToUpper(strings.TrimSpace(arg))
	switch {
	case choice == "":
		b.SendText(chat, false, "region", fmt.Sprintf(t.RegionPrompt, list), 0)
		return
	case choice == "AUTO":
		settings.Region, settings.RegionElsewhere = "", false // guessed again
	case slices.Contains(known, choice):
		settings.Region, settings.RegionElsewhere = choice, false
	default:
		shown := ellipsis.Cut(choice, 17)
		b.SendText(chat, false, "region", fmt.Sprintf(t.RegionInvalid, html.EscapeString(shown), list), 0)
		return
	}
	if err := b.Store.SaveSettings(ctx, chat, settings); err != nil {
		b.Degrade("store", err)
		b.SendText(chat, false, "region", t.SettingsFailed, 0)
		return
	}
	shown := settings.Region
	if shown == "" {
		shown = t.Auto
	}
	b.SendText(chat, false, "region", fmt.Sprintf(t.RegionSet, shown), 0)
}
