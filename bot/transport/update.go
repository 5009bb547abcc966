package transport

import (
	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// AllowedUpdates is set explicitly: Telegram's default leaves out
// chat-member updates, and a default can change under us.
var AllowedUpdates = tgbot.AllowedUpdates{
	models.AllowedUpdateMessage, models.AllowedUpdateEditedMessage,
	models.AllowedUpdateCallbackQuery, models.AllowedUpdateMyChatMember,
}

// Route names the chat an update belongs to and its kind, for the lanes
// and the metrics; chat 0 means the bot has nothing to do with it.
func Route(upd *models.Update) (chat int64, kind string) {
	switch {
	case upd.Message != nil:
		return upd.Message.Chat.ID, "message"
	case upd.EditedMessage != nil:
		return upd.EditedMessage.Chat.ID, "edited_message"
	case upd.CallbackQuery != nil:
		if m := upd.CallbackQuery.Message.Message; m != nil {
			return m.Chat.ID, "callback_query"
		}
		if m := upd.CallbackQuery.Message.InaccessibleMessage; m != nil {
			return m.Chat.ID, "callback_query"
		}
		return upd.CallbackQuery.From.ID, "callback_query"
	case upd.MyChatMember != nil:
		return upd.MyChatMember.Chat.ID, "my_chat_member"
	}
	return 0, "other"
}

// IsGroup reports whether an update comes from a chat that is not private.
func IsGroup(upd *models.Update) bool {
	switch {
	case upd.Message != nil:
		return upd.Message.Chat.Type != models.ChatTypePrivate
	case upd.EditedMessage != nil:
		return upd.EditedMessage.Chat.Type != models.ChatTypePrivate
	case upd.CallbackQuery != nil && upd.CallbackQuery.Message.Message != nil:
		return upd.CallbackQuery.Message.Message.Chat.Type != models.ChatTypePrivate
	}
	return false
}

// LangOf is the Telegram language of whoever sent an update.
func LangOf(upd *models.Update) string {
	switch {
	case upd.Message != nil && upd.Message.From != nil:
		return upd.Message.From.LanguageCode
	case upd.EditedMessage != nil && upd.EditedMessage.From != nil:
		return upd.EditedMessage.From.LanguageCode
	case upd.CallbackQuery != nil:
		return upd.CallbackQuery.From.LanguageCode
	}
	return ""
}
