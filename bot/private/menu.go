package private

import (
	"context"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/store"
)

// Telegram keys its command menus by a two-letter language code, so every
// Chinese user would see the one "zh" menu, in Simplified. A private chat
// answered in Traditional gets a menu of its own instead: a chat scope
// wins over the language menus. The chat's settings remember which menu it
// has (store.Settings.Menu), so Telegram is called only when that changes,
// whichever replica gets the message.

// menuCallTimeout bounds one setMyCommands or deleteMyCommands: the chat's
// lane waits on it.
const menuCallTimeout = 10 * time.Second

// menuFor is the chat menu a private chat should have: the language its
// user reads (their /lang setting, else their Telegram language) when that
// language has a chat menu (Config.ChatMenus), else none. known is false
// when neither says a language (Telegram may leave language_code out): the
// chat keeps the menu it has.
func (b *Chats) menuFor(settings store.Settings, from *models.User) (menu string, known bool) {
	lang := conversation.UILang(settings, from)
	if lang == "" {
		return "", false
	}
	if _, ok := b.chatMenus[catalog.NormalizeLang(lang)]; ok {
		return catalog.NormalizeLang(lang), true
	}
	return "", true
}

// syncMenu gives chat the menu menuFor says, when it has another: sets the
// chat's menu, or deletes it so that the language menus apply again.
// settings are the chat's as just read; while the store fails nothing is
// done (a replica must not call Telegram on every message).
func (b *Chats) syncMenu(ctx context.Context, chat int64, from *models.User, settings store.Settings) {
	want, known := b.menuFor(settings, from)
	if !known || want == settings.Menu {
		return
	}
	if !b.setMenu(ctx, chat, want) {
		return
	}
	settings.Menu = want
	if err := b.Store.SaveSettings(ctx, chat, settings); err != nil {
		b.Degrade("store", err)
	}
}

// syncMenuOf is syncMenu for a private message of the chat's own user,
// reading the chat's settings.
func (b *Chats) syncMenuOf(ctx context.Context, msg *models.Message) {
	if msg.Chat.ID <= 0 || msg.From == nil || msg.From.ID != msg.Chat.ID || len(b.chatMenus) == 0 {
		return
	}
	settings, err := b.Store.Settings(ctx, msg.Chat.ID)
	if err != nil {
		b.Degrade("store", err)
		return
	}
	b.syncMenu(ctx, msg.Chat.ID, msg.From, settings)
}

// setMenu sets chat's own menu to the one of language menu, or deletes it
// (menu ""), and reports whether Telegram took it. Failing is harmless:
// the language menu shows, and the next message tries again.
func (b *Chats) setMenu(ctx context.Context, chat int64, menu string) bool {
	ctx, cancel := context.WithTimeout(ctx, menuCallTimeout)
	defer cancel()
	scope := &models.BotCommandScopeChat{ChatID: chat}
	var err error
	if menu == "" {
		_, err = b.API.DeleteMyCommands(ctx, &tgbot.DeleteMyCommandsParams{Scope: scope})
	} else {
		_, err = b.API.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: b.chatMenus[menu], Scope: scope})
	}
	if err != nil {
		b.Log.Warn("chat menu failed", "chat", chat, "menu", menu, "err", err)
		return false
	}
	return true
}

// dropMenu deletes chat's own menu, once its settings are gone (/forget).
func (b *Chats) dropMenu(ctx context.Context, chat int64) { b.setMenu(ctx, chat, "") }
