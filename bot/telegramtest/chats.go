package telegramtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
)

// lastMessageID numbers every message the package makes, the builders' and
// the servers' alike. Telegram numbers messages per chat; one shared counter
// keeps ids increasing within each chat and guarantees that a user message
// built after the bot replied never takes the id of the bot's reply.
var lastMessageID atomic.Int64

func nextMessageID() int { return int(lastMessageID.Add(1)) }

// now is a Bot API date: Unix seconds.
func now() int64 { return time.Now().Unix() }

type messageKey struct {
	chatID    int64
	messageID int
}

type memberKey struct {
	chatID int64
	userID int64
}

// storedMessage is what the fake remembers of a message, to edit it later.
type storedMessage struct {
	chat        models.Chat
	date        int64
	editDate    int64
	fromBot     bool
	text        parsedText
	replyMarkup json.RawMessage // the inline keyboard, compacted; nil when none
}

func (t parsedText) equal(other parsedText) bool {
	return t.Text == other.Text && slices.EqualFunc(t.Entities, other.Entities, func(a, b models.MessageEntity) bool {
		return a.Type == b.Type && a.Offset == b.Offset && a.Length == b.Length && a.URL == b.URL &&
			a.Language == b.Language && a.CustomEmojiID == b.CustomEmojiID
	})
}

// wireMessage is the Message object the fake answers for the bot's own
// messages. It is its own type, not models.Message, so that reply_markup
// goes back exactly as the bot sent it.
type wireMessage struct {
	MessageID   int                    `json:"message_id"`
	From        models.User            `json:"from"`
	Chat        models.Chat            `json:"chat"`
	Date        int64                  `json:"date"`
	EditDate    int64                  `json:"edit_date,omitempty"`
	Text        string                 `json:"text"`
	Entities    []models.MessageEntity `json:"entities,omitempty"`
	ReplyMarkup json.RawMessage        `json:"reply_markup,omitempty"`
}

func (m *storedMessage) wire(messageID int) wireMessage {
	return wireMessage{
		MessageID:   messageID,
		From:        botUser,
		Chat:        m.chat,
		Date:        m.date,
		EditDate:    m.editDate,
		Text:        m.text.Text,
		Entities:    m.text.Entities,
		ReplyMarkup: m.replyMarkup,
	}
}

// chatLocked returns the chat as a pushed update showed it, or else one
// made up from the id's range the way Telegram allots ids: users positive,
// basic groups negative, supergroups and channels below -10^12.
func (s *Server) chatLocked(id int64) models.Chat {
	if chat, known := s.chats[id]; known {
		return chat
	}
	return chatFromID(id)
}

func chatFromID(id int64) models.Chat {
	switch {
	case id > 0:
		return models.Chat{ID: id, Type: models.ChatTypePrivate, FirstName: userFromID(id).FirstName}
	case id <= -1_000_000_000_000:
		return models.Chat{ID: id, Type: models.ChatTypeSupergroup, Title: "Test supergroup"}
	default:
		return models.Chat{ID: id, Type: models.ChatTypeGroup, Title: "Test group"}
	}
}

// userLocked returns the user as a pushed update showed them, or a made-up one.
func (s *Server) userLocked(id int64) models.User {
	if id == botUser.ID {
		return botUser
	}
	if user, known := s.users[id]; known {
		return user
	}
	return userFromID(id)
}

// chatMemberStatuses are the statuses SetChatMember accepts, those of
// https://core.telegram.org/bots/api#chatmember.
var chatMemberStatuses = []string{"creator", "administrator", "member", "restricted", "left", "kicked"}

// SetChatMember sets what getChatMember and getChatAdministrators answer for
// user in chat: "creator", "administrator", "member", "restricted", "left" or
// "kicked". Users never set are members. Setting the bot itself (BotUser().ID)
// to "kicked" or "left" makes sendMessage to that chat fail as on Telegram
// (in a private chat "kicked" means the user blocked the bot).
func (s *Server) SetChatMember(chat, user int64, status string) {
	if !slices.Contains(chatMemberStatuses, status) {
		s.t.Errorf("telegramtest: SetChatMember: unknown status %q, want one of %v", status, chatMemberStatuses)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[memberKey{chatID: chat, userID: user}] = status
}

// getChatMember serves https://core.telegram.org/bots/api#getchatmember.
func (s *Server) getChatMember(p params) reply {
	chatID, failed := p.chatID()
	if failed != nil {
		return *failed
	}
	userID, failed := p.int("user_id", 0)
	if failed != nil {
		return *failed
	}
	if userID <= 0 {
		return badRequest("invalid user_id specified")
	}
	status, set := s.members[memberKey{chatID: chatID, userID: userID}]
	if !set {
		status = string(models.ChatMemberTypeMember)
	}
	return ok(chatMemberObject(status, s.userLocked(userID)))
}

// getChatAdministrators serves https://core.telegram.org/bots/api#getchatadministrators:
// the creator first, then the administrators by user id.
func (s *Server) getChatAdministrators(p params) reply {
	chatID, failed := p.chatID()
	if failed != nil {
		return *failed
	}
	if s.chatLocked(chatID).Type == models.ChatTypePrivate {
		return badRequest("there are no administrators in the private chat")
	}
	var admins []memberKey
	for key, status := range s.members {
		if key.chatID == chatID && (status == "creator" || status == "administrator") {
			admins = append(admins, key)
		}
	}
	slices.SortFunc(admins, func(a, b memberKey) int {
		if isCreator := func(k memberKey) bool { return s.members[k] == "creator" }; isCreator(a) != isCreator(b) {
			if isCreator(a) {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.userID, b.userID)
	})
	objects := []map[string]any{}
	for _, key := range admins {
		objects = append(objects, chatMemberObject(s.members[key], s.userLocked(key.userID)))
	}
	return ok(objects)
}

// chatMemberObject is the ChatMember JSON object of a status, with the
// fields Telegram always sends for it. It is a map, not models.ChatMember,
// whose MarshalJSON works only through a pointer.
func chatMemberObject(status string, user models.User) map[string]any {
	object := map[string]any{"status": status, "user": user}
	switch status {
	case "creator":
		object["is_anonymous"] = false
	case "administrator":
		for right, granted := range map[string]bool{
			"can_be_edited": false, "is_anonymous": false, "can_manage_chat": true,
			"can_delete_messages": true, "can_manage_video_chats": true, "can_restrict_members": true,
			"can_promote_members": false, "can_change_info": true, "can_invite_users": true,
			"can_pin_messages": true, "can_post_stories": false, "can_edit_stories": false,
			"can_delete_stories": false, "can_manage_topics": false,
		} {
			object[right] = granted
		}
	case "restricted":
		object["is_member"] = true
		object["until_date"] = 0
		for _, permission := range []string{
			"can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
			"can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
			"can_send_other_messages", "can_add_web_page_previews", "can_change_info",
			"can_invite_users", "can_pin_messages", "can_manage_topics",
		} {
			object[permission] = false
		}
	case "kicked":
		object["until_date"] = 0
	}
	return object
}

// userFromID makes up a plausible user for an id nobody described.
func userFromID(id int64) models.User {
	return models.User{ID: id, FirstName: fmt.Sprintf("User %d", id), LanguageCode: "en"}
}

// Chat returns the chat as pushed updates showed it (or as its id's range
// makes it up), and whether the bot may still send to it: not a group that
// migrated, kicked the bot or that it left, not a user who blocked it.
func (s *Server) Chat(id int64) (chat models.Chat, reachable bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chatLocked(id), s.checkCanSendLocked(id) == nil
}

// ChatsSeen returns the ids of the chats pushed updates came from, in
// increasing order.
func (s *Server) ChatsSeen() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(s.chats))
	for id := range s.chats {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
