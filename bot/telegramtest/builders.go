package telegramtest

import (
	"fmt"
	"regexp"
	"strconv"
	"sync/atomic"

	"github.com/go-telegram/bot/models"
)

// The builders make updates shaped as Telegram sends them: the fields a real
// update carries (message ids, dates, chat types, auto-detected entities),
// named as in https://core.telegram.org/bots/api. update_id is left zero for
// Push to assign; PostWebhook sends it as it is.

// User is a plausible human user.
func User(id int64, firstName string) models.User {
	return models.User{ID: id, FirstName: firstName, LanguageCode: "en"}
}

// Text is a text message from user fromID in the private chat chatID
// (normally chatID == fromID: a private chat's id is the user's).
func Text(chatID, fromID int64, text string) models.Update {
	from := userFromID(fromID)
	chat := models.Chat{ID: chatID, Type: models.ChatTypePrivate, FirstName: from.FirstName}
	return models.Update{Message: textMessage(chat, from, text)}
}

// GroupText is a text message from in the group chatID: a supergroup when
// the id is in the supergroup range (below -10^12), a basic group otherwise.
func GroupText(chatID int64, from models.User, text string) models.Update {
	return models.Update{Message: textMessage(groupChat(chatID), from, text)}
}

// Forwarded is a message the user forwarded into their private chat with the
// bot, from where origin says (see OriginUser and its siblings).
func Forwarded(chatID, fromID int64, text string, origin models.MessageOrigin) models.Update {
	update := Text(chatID, fromID, text)
	update.Message.ForwardOrigin = &origin
	return update
}

// forwardedAge is how long before the forward the original was sent.
const forwardedAge = 3600

// OriginUser is the origin of a message forwarded from a user whose privacy
// settings allow linking to them.
func OriginUser(id int64, name string) models.MessageOrigin {
	return models.MessageOrigin{
		Type: models.MessageOriginTypeUser,
		MessageOriginUser: &models.MessageOriginUser{
			Type:       models.MessageOriginTypeUser,
			Date:       int(now() - forwardedAge),
			SenderUser: User(id, name),
		},
	}
}

// OriginHiddenUser is the origin of a message forwarded from a user who hides
// their account in forwards: only a name is known.
func OriginHiddenUser(name string) models.MessageOrigin {
	return models.MessageOrigin{
		Type: models.MessageOriginTypeHiddenUser,
		MessageOriginHiddenUser: &models.MessageOriginHiddenUser{
			Type:           models.MessageOriginTypeHiddenUser,
			Date:           int(now() - forwardedAge),
			SenderUserName: name,
		},
	}
}

// OriginChat is the origin of a message a group sent on its own behalf
// (an anonymous admin, for example).
func OriginChat(id int64, title string) models.MessageOrigin {
	chat := groupChat(id)
	chat.Title = title
	return models.MessageOrigin{
		Type: models.MessageOriginTypeChat,
		MessageOriginChat: &models.MessageOriginChat{
			Type:       models.MessageOriginTypeChat,
			Date:       int(now() - forwardedAge),
			SenderChat: chat,
		},
	}
}

// OriginChannel is the origin of a message forwarded from a channel post.
func OriginChannel(id int64, title string) models.MessageOrigin {
	return models.MessageOrigin{
		Type: models.MessageOriginTypeChannel,
		MessageOriginChannel: &models.MessageOriginChannel{
			Type:      models.MessageOriginTypeChannel,
			Date:      int(now() - forwardedAge),
			Chat:      models.Chat{ID: id, Type: models.ChatTypeChannel, Title: title},
			MessageID: nextMessageID(),
		},
	}
}

// Caption is a photo with a caption in a private chat. Telegram sends a
// photo in several sizes, smallest first.
func Caption(chatID, fromID int64, caption string) models.Update {
	update := Text(chatID, fromID, "")
	message := update.Message
	fileID := strconv.Itoa(message.ID)
	for i, side := range []int{90, 320, 800} {
		message.Photo = append(message.Photo, models.PhotoSize{
			FileID:       fmt.Sprintf("AgACAgQAAxkBAAI%s_%d", fileID, i),
			FileUniqueID: fmt.Sprintf("AQAD%s_%d", fileID, i),
			Width:        side,
			Height:       side * 3 / 4,
			FileSize:     side * side / 10,
		})
	}
	message.Caption = caption
	message.CaptionEntities = detectEntities(caption)
	return update
}

// Sticker is a sticker in a private chat; such a message has no text.
func Sticker(chatID, fromID int64, emoji string) models.Update {
	update := Text(chatID, fromID, "")
	fileID := strconv.Itoa(update.Message.ID)
	update.Message.Sticker = &models.Sticker{
		FileID:       "CAACAgIAAxkBAAI" + fileID,
		FileUniqueID: "AgAD" + fileID,
		Type:         "regular",
		Width:        512,
		Height:       512,
		Emoji:        emoji,
		SetName:      "TestStickers",
		FileSize:     24000,
	}
	return update
}

// Voice is a voice note of the given length in a private chat; no text.
func Voice(chatID, fromID int64, seconds int) models.Update {
	update := Text(chatID, fromID, "")
	fileID := strconv.Itoa(update.Message.ID)
	update.Message.Voice = &models.Voice{
		FileID:       "AwACAgIAAxkBAAI" + fileID,
		FileUniqueID: "AgAD" + fileID,
		Duration:     seconds,
		MimeType:     "audio/ogg",
		FileSize:     int64(seconds) * 2000,
	}
	return update
}

// Edited is the edited_message update Telegram sends when the author of
// original's message changes its text (or caption, for media): same
// message_id and date, new edit_date. It panics if original has no message,
// which is a mistake in the test.
func Edited(original models.Update, newText string) models.Update {
	source := original.Message
	if source == nil {
		source = original.EditedMessage
	}
	if source == nil {
		panic("telegramtest.Edited: the original update holds no message")
	}
	edited := *source
	if edited.Text == "" && edited.Caption != "" {
		edited.Caption, edited.CaptionEntities = newText, detectEntities(newText)
	} else {
		edited.Text, edited.Entities = newText, detectEntities(newText)
	}
	edited.EditDate = int(max(now(), int64(edited.Date)+1))
	return models.Update{EditedMessage: &edited}
}

// lastCallbackQueryID numbers callback queries. Telegram's ids are large
// opaque numbers in a string.
var lastCallbackQueryID atomic.Int64

// Callback is a press by user fromID on an inline button with callback data
// data, under the bot's message messageID in chat chatID (take the id from
// the Result of the bot's sendMessage call).
func Callback(chatID, fromID int64, messageID int, data string) models.Update {
	from := userFromID(fromID)
	chat := chatFromID(chatID)
	bot := botUser
	return models.Update{CallbackQuery: &models.CallbackQuery{
		ID:   strconv.FormatInt(4_380_000_000_000_000_000+lastCallbackQueryID.Add(1), 10),
		From: from,
		Message: models.MaybeInaccessibleMessage{
			Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{
				ID:   messageID,
				From: &bot,
				Date: int(now()),
				Chat: chat,
			},
		},
		ChatInstance: strconv.FormatInt(-chatID*7919, 10),
		Data:         data,
	}}
}

// MyChatMember is the my_chat_member update Telegram sends when the bot's own
// status in chatID changes from oldStatus to newStatus ("member", "kicked",
// "administrator", ...), changed by user by. The member is always the bot
// (BotUser): a user blocking the bot is MyChatMember(userID, user, "member",
// "kicked"); adding it to a group is MyChatMember(groupID, admin, "left",
// "member"). Pushing it also makes the fake treat the bot's membership so.
func MyChatMember(chatID int64, by models.User, oldStatus, newStatus string) models.Update {
	chat := chatFromID(chatID)
	if chat.Type == models.ChatTypePrivate {
		chat.FirstName = by.FirstName
	}
	return models.Update{MyChatMember: &models.ChatMemberUpdated{
		Chat:          chat,
		From:          by,
		Date:          int(now()),
		OldChatMember: chatMember(oldStatus, botUser),
		NewChatMember: chatMember(newStatus, botUser),
	}}
}

// chatMember is a models.ChatMember of a status, with the rights an
// administrator bot typically has.
func chatMember(status string, user models.User) models.ChatMember {
	switch models.ChatMemberType(status) {
	case models.ChatMemberTypeOwner:
		return models.ChatMember{Type: models.ChatMemberTypeOwner, Owner: &models.ChatMemberOwner{User: &user}}
	case models.ChatMemberTypeAdministrator:
		return models.ChatMember{Type: models.ChatMemberTypeAdministrator, Administrator: &models.ChatMemberAdministrator{
			User: user, CanManageChat: true, CanDeleteMessages: true, CanRestrictMembers: true,
			CanInviteUsers: true, CanPinMessages: true,
		}}
	case models.ChatMemberTypeRestricted:
		return models.ChatMember{Type: models.ChatMemberTypeRestricted, Restricted: &models.ChatMemberRestricted{User: &user, IsMember: true}}
	case models.ChatMemberTypeLeft:
		return models.ChatMember{Type: models.ChatMemberTypeLeft, Left: &models.ChatMemberLeft{User: &user}}
	case models.ChatMemberTypeBanned:
		return models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{User: &user}}
	case models.ChatMemberTypeMember:
		return models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: &user}}
	}
	panic(fmt.Sprintf("telegramtest: unknown chat member status %q, want one of %v", status, chatMemberStatuses))
}

// Migrate is the service message Telegram sends in a basic group when it is
// upgraded to a supergroup: migrate_to_chat_id names the new chat. Pushing
// it makes later sendMessage calls to the old group fail with
// parameters.migrate_to_chat_id, as on Telegram. MigratedFrom is its twin in
// the new supergroup.
func Migrate(groupID, supergroupID int64) models.Update {
	message := textMessage(groupChat(groupID), groupAdmin, "")
	message.MigrateToChatID = supergroupID
	return models.Update{Message: message}
}

// MigratedFrom is the first message of a supergroup upgraded from a basic
// group: migrate_from_chat_id names the old chat.
func MigratedFrom(groupID, supergroupID int64) models.Update {
	message := textMessage(groupChat(supergroupID), groupAdmin, "")
	message.MigrateFromChatID = groupID
	return models.Update{Message: message}
}

// groupAdmin is who upgrades groups in Migrate.
var groupAdmin = User(1000, "Group Admin")

// ServiceNewMembers is the service message Telegram posts in a group when by
// adds members (by is one of them when someone joins on their own).
func ServiceNewMembers(chatID int64, by models.User, members ...models.User) models.Update {
	message := textMessage(groupChat(chatID), by, "")
	message.NewChatMembers = members
	return models.Update{Message: message}
}

func textMessage(chat models.Chat, from models.User, text string) *models.Message {
	return &models.Message{
		ID:       nextMessageID(),
		From:     &from,
		Date:     int(now()),
		Chat:     chat,
		Text:     text,
		Entities: detectEntities(text),
	}
}

// groupChat is a group or supergroup chat by the range of its id.
func groupChat(id int64) models.Chat {
	if id <= -1_000_000_000_000 {
		return models.Chat{ID: id, Type: models.ChatTypeSupergroup, Title: "Test supergroup"}
	}
	return models.Chat{ID: id, Type: models.ChatTypeGroup, Title: "Test group"}
}

// entityPatterns find the entities Telegram detects in text by itself. The
// bot relies on them: go-telegram/bot matches commands by their bot_command
// entity, and links may be read from url entities. Bare domains without
// "http" or "www." are left out; Telegram detects them against a list of
// top-level domains this fake does not carry.
var entityPatterns = []struct {
	kind    models.MessageEntityType
	pattern *regexp.Regexp
}{
	{models.MessageEntityTypeBotCommand, regexp.MustCompile(`(?:^|\s)(/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{5,32})?)\b`)},
	{models.MessageEntityTypeMention, regexp.MustCompile(`(?:^|\s)(@[A-Za-z0-9_]{5,32})\b`)},
	{models.MessageEntityTypeURL, regexp.MustCompile(`(?i)(?:^|\s)((?:https?://|www\.)[^\s]*[^\s.,!?;:)"'])`)},
}

// detectEntities returns the auto-detected entities of text, ordered by
// offset, with offsets and lengths in UTF-16 code units as Telegram counts.
func detectEntities(text string) []models.MessageEntity {
	var entities []models.MessageEntity
	for _, detector := range entityPatterns {
		for _, match := range detector.pattern.FindAllStringSubmatchIndex(text, -1) {
			start, end := match[2], match[3]
			entities = append(entities, models.MessageEntity{
				Type:   detector.kind,
				Offset: utf16Len(text[:start]),
				Length: utf16Len(text[start:end]),
			})
		}
	}
	sortEntities(entities)
	return entities
}

// Photo is a photo without a caption in a private chat, its largest size
// width×height with file_id fileID (give the file to Server.AddFile).
func Photo(chatID, fromID int64, fileID string, width, height, size int) models.Update {
	update := Text(chatID, fromID, "")
	update.Message.Photo = []models.PhotoSize{
		{FileID: fileID + "_thumb", FileUniqueID: "t" + fileID, Width: width / 10, Height: height / 10, FileSize: size / 50},
		{FileID: fileID, FileUniqueID: "u" + fileID, Width: width, Height: height, FileSize: size},
	}
	return update
}
