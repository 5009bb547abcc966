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
// whichever replica gets the message. Settings that failed to load are
// never synced: a replica must not call Telegram on every message while
// Redis fails.

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
// chat's menu, or deletes it so that the language menus apply again, and
// records it in settings (the chat's, as just read, for the caller to
// save), reporting whether settings changed. It is called where the
// settings are read anyway (a command, a greeting, a burst's answer), so
// the menu costs no Redis read of its own; only the chat's own user (a
// private chat's id is theirs) says which language the chat reads.
func (b *Chats) syncMenu(ctx context.Context, chat int64, from *models.User, settings *store.Settings) bool {
	if chat <= 0 || from == nil || from.ID != chat || len(b.chatMenus) == 0 {
		return false
	}
	want, known := b.menuFor(*settings, from)
	if !known || want == settings.Menu || !b.setMenu(ctx, chat, want) {
		return false
	}
	settings.Menu = want
	return true
}

// syncMenuAndSave is syncMenu for settings that nobody saves after it.
func (b *Chats) syncMenuAndSave(ctx context.Context, chat int64, from *models.User, settings *store.Settings) {
	if b.syncMenu(ctx, chat, from, settings) {
		if err := b.Store.SaveSettings(ctx, chat, *settings); err != nil {
			b.Degrade("store", err)
		}
	}
}

// setMenu sets chat's own menu to the one in language menu, or deletes it
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
