package group

import (
	"context"
	"fmt"
	"html"
	"slices"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/store"
)

// isAdmin asks Telegram whether msg's sender administers chat. An
// anonymous admin posts as the group itself.
func (b *Groups) isAdmin(ctx context.Context, chat int64, msg *models.Message) (bool, error) {
	if msg.SenderChat != nil && msg.SenderChat.ID == chat {
		return true, nil
	}
	if msg.From == nil {
		return false, nil
	}
	return b.isAdminUser(ctx, chat, msg.From.ID)
}

func (b *Groups) isAdminUser(ctx context.Context, chat, user int64) (bool, error) {
	member, err := b.API.GetChatMember(ctx, &tgbot.GetChatMemberParams{ChatID: chat, UserID: user})
	if err != nil {
		return false, err
	}
	return member.Owner != nil || member.Administrator != nil, nil
}

// settingsPanel shows a group's settings.
func (b *Groups) settingsPanel(s store.Settings, t UITexts) string {
	onOff := func(on bool) string {
		if on {
			return t.On
		}
		return t.Off
	}
	sensitivity := t.Normal
	if s.Sensitivity == "high" {
		sensitivity = t.High
	}
	language := t.Auto
	for _, c := range conversation.LanguageChoices {
		if c[0] == s.Language && c[1] != "" {
			language = c[1]
		}
	}
	region := t.Auto
	if s.Region != "" {
		region = html.EscapeString(s.Region)
	}
	return fmt.Sprintf(t.SettingsPanel, sensitivity, language, region, onOff(s.Quiet), onOff(s.Guardians))
}

// settingsKeyboard is the /settings keyboard: callback data
// "set:<setting>:<value>", the chat is the message's.
func (b *Groups) settingsKeyboard(s store.Settings, t UITexts) *models.InlineKeyboardMarkup {
	mark := func(label string, chosen bool) string {
		if chosen {
			return "✅ " + label
		}
		return label
	}
	onOff := func(on bool) (string, string) {
		if on {
			return t.On, "0"
		}
		return t.Off, "1"
	}
	var langs []models.InlineKeyboardButton
	for _, c := range conversation.LanguageChoices {
		label := c[1]
		if c[0] == "auto" {
			label = t.Auto
		}
		chosen := c[0] == s.Language || c[0] == "auto" && s.Language == ""
		langs = append(langs, models.InlineKeyboardButton{Text: mark(label, chosen), CallbackData: "set:lang:" + c[0]})
	}
	var regions [][]models.InlineKeyboardButton
	row := []models.InlineKeyboardButton{{Text: mark(t.Auto, s.Region == ""), CallbackData: "set:region:auto"}}
	for _, region := range b.Catalog.Regions() {
		if len(row) == 5 {
			regions = append(regions, row)
			row = nil
		}
		row = append(row, models.InlineKeyboardButton{Text: mark(region, s.Region == region), CallbackData: "set:region:" + region})
	}
	regions = append(regions, row)
	quietLabel, quietNext := onOff(s.Quiet)
	guardLabel, guardNext := onOff(s.Guardians)
	keyboard := [][]models.InlineKeyboardButton{
		{
			{Text: mark(t.BtnNormal, s.Sensitivity != "high"), CallbackData: "set:sens:normal"},
			{Text: mark(t.BtnHigh, s.Sensitivity == "high"), CallbackData: "set:sens:high"},
		},
		langs,
	}
	keyboard = append(keyboard, regions...)
	keyboard = append(keyboard, []models.InlineKeyboardButton{
		{Text: fmt.Sprintf(t.BtnQuiet, quietLabel), CallbackData: "set:quiet:" + quietNext},
		{Text: fmt.Sprintf(t.BtnGuardians, guardLabel), CallbackData: "set:grd:" + guardNext},
	})
	return &models.InlineKeyboardMarkup{InlineKeyboard: keyboard}
}

// applySetting changes one setting from a button's "<setting>:<value>";
// false when the data names no valid choice.
func (b *Groups) applySetting(s *store.Settings, rest string) bool {
	setting, value, _ := strings.Cut(rest, ":")
	switch setting {
	case "sens":
		if value != "normal" && value != "high" {
			return false
		}
		s.Sensitivity = ""
		if value == "high" {
			s.Sensitivity = "high"
		}
	case "lang":
		if !slices.ContainsFunc(conversation.LanguageChoices, func(c [2]string) bool { return c[0] == value }) {
			return false
		}
		s.Language = value
		if value == "auto" {
			s.Language = ""
		}
	case "region":
		switch {
		case value == "auto":
			s.Region = ""
		case slices.Contains(b.Catalog.Regions(), value):
			s.Region = value
		default:
			return false
		}
	case "quiet":
		s.Quiet = value == "1"
	case "grd":
		s.Guardians = value == "1"
	default:
		return false
	}
	return true
}

// OnSettingsButton handles a press on the group /settings keyboard
// (callback data "set:<rest>") and returns the note shown to the presser.
// Only the group's admins may change settings (asked of Telegram on every
// press: admins change); the panel is then redrawn with the new values.
func (b *Groups) OnSettingsButton(ctx context.Context, q *models.CallbackQuery, rest string) string {
	m := q.Message.Message
	if m == nil || m.Chat.Type == models.ChatTypePrivate {
		return ""
	}
	chat := m.Chat.ID
	settings := b.Settings(ctx, chat)
	t := b.texts.in(conversation.UILang(settings, &q.From))
	admin, err := b.isAdminUser(ctx, chat, q.From.ID)
	if err != nil {
		b.Log.Warn("getChatMember failed", "chat", chat, "err", err)
		return t.AdminCheckFailed
	}
	if !admin {
		return t.AdminsOnly
	}
	if !b.applySetting(&settings, rest) {
		return ""
	}
	if err := b.Store.SaveSettings(ctx, chat, settings); err != nil {
		b.Degrade("store", err)
		return t.SettingsFailed
	}
	t = b.texts.in(conversation.UILang(settings, &q.From))
	params := &tgbot.EditMessageTextParams{ChatID: chat, MessageID: m.ID, Text: b.settingsPanel(settings, t),
		ParseMode: models.ParseModeHTML, ReplyMarkup: b.settingsKeyboard(settings, t)}
	b.QueueEdit(chat, true, "settings", params)
	return t.Saved
}
