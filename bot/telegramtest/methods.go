package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// method is one Bot API method the fake serves.
type method struct {
	name  string // as documented, e.g. "sendMessage"
	serve func(s *Server, ctx context.Context, p params) reply
}

// methods are keyed by lower-case name because Telegram matches method names
// case-insensitively.
var methods = map[string]method{}

func init() {
	for _, m := range []method{
		{"getMe", func(*Server, context.Context, params) reply { return ok(botUser) }},
		{"getUpdates", (*Server).getUpdates},
		{"sendMessage", withoutContext((*Server).sendMessage)},
		{"editMessageText", withoutContext((*Server).editMessageText)},
		{"editMessageReplyMarkup", withoutContext((*Server).editMessageReplyMarkup)},
		{"deleteMessage", withoutContext((*Server).deleteMessage)},
		{"answerCallbackQuery", withoutContext((*Server).answerCallbackQuery)},
		{"getChatMember", withoutContext((*Server).getChatMember)},
		{"getChatAdministrators", withoutContext((*Server).getChatAdministrators)},
		{"leaveChat", withoutContext((*Server).leaveChat)},
		{"setWebhook", withoutContext((*Server).setWebhook)},
		{"deleteWebhook", withoutContext((*Server).deleteWebhook)},
		{"getWebhookInfo", withoutContext((*Server).getWebhookInfo)},
		{"setMyCommands", withoutContext((*Server).setMyCommands)},
		{"deleteMyCommands", withoutContext((*Server).deleteMyCommands)},
	} {
		methods[strings.ToLower(m.name)] = m
	}
}

// withoutContext adapts a method that never waits, so it takes the lock for
// its whole run and needs no context.
func withoutContext(serve func(*Server, params) reply) func(*Server, context.Context, params) reply {
	return func(s *Server, _ context.Context, p params) reply {
		s.mu.Lock()
		defer s.mu.Unlock()
		return serve(s, p)
	}
}

// Telegram's limits, from https://core.telegram.org/bots/api.
const (
	maxMessageUTF16     = 4096
	maxCallbackDataLen  = 64 // bytes
	maxCallbackAnswer   = 200
	maxCommandDescLen   = 256
	messageNotModified  = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
	callbackQueryTooOld = "query is too old and response timeout expired or query ID is invalid"
)

// sendMessage serves https://core.telegram.org/bots/api#sendmessage.
func (s *Server) sendMessage(p params) reply {
	chatID, failed := p.chatID()
	if failed != nil {
		return *failed
	}
	if failed := s.checkCanSendLocked(chatID); failed != nil {
		return *failed
	}
	text, failed := renderText(p)
	if failed != nil {
		return *failed
	}
	markup, failed := checkReplyMarkup(p["reply_markup"])
	if failed != nil {
		return *failed
	}
	if raw := p["reply_parameters"]; raw != "" {
		var replyTo models.ReplyParameters
		if err := json.Unmarshal([]byte(raw), &replyTo); err != nil {
			return badRequest("can't parse reply parameters JSON object")
		}
	}

	message := &storedMessage{
		chat:        s.chatLocked(chatID),
		date:        now(),
		fromBot:     true,
		text:        text,
		replyMarkup: markup,
	}
	key := messageKey{chatID: chatID, messageID: nextMessageID()}
	s.messages[key] = message
	return ok(message.wire(key.messageID))
}

// checkCanSendLocked refuses chats the bot cannot write to any more, with the
// answers a bot sees in production: a migrated group, a user who blocked the
// bot, a group that kicked it or that it left.
func (s *Server) checkCanSendLocked(chatID int64) *reply {
	if supergroupID, migrated := s.migratedTo[chatID]; migrated {
		answer := badRequest("group chat was upgraded to a supergroup chat")
		answer.migrateTo = supergroupID
		return &answer
	}
	chat := s.chatLocked(chatID)
	kind := "group chat"
	if chat.Type == models.ChatTypeSupergroup {
		kind = "supergroup chat"
	}
	var answer reply
	switch s.members[memberKey{chatID: chatID, userID: botUser.ID}] {
	case string(models.ChatMemberTypeBanned):
		if chat.Type == models.ChatTypePrivate {
			answer = failure(http.StatusForbidden, "Forbidden: bot was blocked by the user")
		} else {
			answer = failure(http.StatusForbidden, "Forbidden: bot was kicked from the "+kind)
		}
	case string(models.ChatMemberTypeLeft):
		if chat.Type == models.ChatTypePrivate {
			return nil
		}
		answer = failure(http.StatusForbidden, "Forbidden: bot is not a member of the "+kind)
	default:
		return nil
	}
	return &answer
}

// renderText checks text and parse_mode as Telegram does and returns what
// the message will show.
func renderText(p params) (parsedText, *reply) {
	fail := func(description string) (parsedText, *reply) {
		answer := badRequest(description)
		return parsedText{}, &answer
	}
	raw := p["text"]
	if !utf8.ValidString(raw) {
		return fail("strings must be encoded in UTF-8")
	}
	var text parsedText
	switch strings.ToLower(p["parse_mode"]) {
	case "":
		text = parsedText{Text: raw}
		if entities := p["entities"]; entities != "" {
			if err := json.Unmarshal([]byte(entities), &text.Entities); err != nil {
				return fail("can't parse entities JSON object")
			}
		}
	case "html":
		parsed, err := parseHTML(raw)
		if err != nil {
			return fail("can't parse entities: " + err.Error())
		}
		text = parsed
	case "markdown", "markdownv2":
		// Not parsed: our bot renders HTML only. The raw text stands in
		// for the visible one, which over-counts its length a little.
		text = parsedText{Text: raw}
	default:
		return fail("unsupported parse_mode")
	}
	if strings.TrimSpace(text.Text) == "" {
		return fail("message text is empty")
	}
	if utf16Len(text.Text) > maxMessageUTF16 {
		return fail("message is too long")
	}
	return text, nil
}

// checkReplyMarkup validates reply_markup and returns what a Message echoes
// of it: the inline keyboard, compacted, or nil (Telegram never echoes reply
// keyboards, keyboard removals or force-reply requests).
func checkReplyMarkup(raw string) (json.RawMessage, *reply) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	fail := func(description string) (json.RawMessage, *reply) {
		answer := badRequest(description)
		return nil, &answer
	}
	var markup struct {
		InlineKeyboard [][]map[string]json.RawMessage `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &markup); err != nil {
		return fail("can't parse reply keyboard markup JSON object")
	}
	if markup.InlineKeyboard == nil {
		return nil, nil
	}
	for _, row := range markup.InlineKeyboard {
		for _, button := range row {
			var callbackData string
			_ = json.Unmarshal(button["callback_data"], &callbackData) // absent reads as ""
			if len(callbackData) > maxCallbackDataLen {
				return fail("BUTTON_DATA_INVALID")
			}
			if !hasButtonAction(button) {
				return fail("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
		}
	}
	// Compacted, so that "not modified" compares content, not spacing.
	var echo bytes.Buffer
	_ = json.Compact(&echo, []byte(raw)) // raw decoded above, so it is valid JSON
	return echo.Bytes(), nil
}

// hasButtonAction tells whether an inline button does something when pressed.
// Empty values count as absent: go-telegram/bot sends "copy_text":{"text":""}
// on every button (its CopyText field is a struct, which omitempty never
// omits) and Telegram ignores it.
func hasButtonAction(button map[string]json.RawMessage) bool {
	for name, value := range button {
		switch name {
		case "text", "icon_custom_emoji_id", "style":
			continue
		}
		switch string(value) {
		case `""`, "false", "null", "{}", `{"text":""}`:
			continue
		}
		return true
	}
	return false
}

// editMessageText serves https://core.telegram.org/bots/api#editmessagetext.
func (s *Server) editMessageText(p params) reply {
	text, failed := renderText(p)
	if failed != nil {
		return *failed
	}
	markup, failed := checkReplyMarkup(p["reply_markup"])
	if failed != nil {
		return *failed
	}
	if p["inline_message_id"] != "" {
		return ok(true) // messages sent via inline mode are not tracked
	}
	key, message, failed := s.editableLocked(p)
	if failed != nil {
		return *failed
	}
	// Editing the text without reply_markup removes the keyboard, as on
	// Telegram; so "not modified" compares both.
	if message.text.equal(text) && string(message.replyMarkup) == string(markup) {
		return badRequest(messageNotModified)
	}
	message.text, message.replyMarkup, message.editDate = text, markup, now()
	return ok(message.wire(key.messageID))
}

// editMessageReplyMarkup serves https://core.telegram.org/bots/api#editmessagereplymarkup.
func (s *Server) editMessageReplyMarkup(p params) reply {
	markup, failed := checkReplyMarkup(p["reply_markup"])
	if failed != nil {
		return *failed
	}
	if p["inline_message_id"] != "" {
		return ok(true)
	}
	key, message, failed := s.editableLocked(p)
	if failed != nil {
		return *failed
	}
	if string(message.replyMarkup) == string(markup) {
		return badRequest(messageNotModified)
	}
	message.replyMarkup, message.editDate = markup, now()
	return ok(message.wire(key.messageID))
}

// editableLocked finds the message an edit names; only the bot's own
// messages can be edited.
func (s *Server) editableLocked(p params) (messageKey, *storedMessage, *reply) {
	chatID, failed := p.chatID()
	if failed != nil {
		return messageKey{}, nil, failed
	}
	messageID, failed := p.int("message_id", 0)
	if failed != nil {
		return messageKey{}, nil, failed
	}
	if messageID == 0 {
		answer := badRequest("message identifier is not specified")
		return messageKey{}, nil, &answer
	}
	key := messageKey{chatID: chatID, messageID: int(messageID)}
	message := s.messages[key]
	if message == nil {
		answer := badRequest("message to edit not found")
		return key, nil, &answer
	}
	if !message.fromBot {
		answer := badRequest("message can't be edited")
		return key, nil, &answer
	}
	return key, message, nil
}

// deleteMessage serves https://core.telegram.org/bots/api#deletemessage.
// Any message the fake has not seen deleted counts as deletable, because
// updates posted to a webhook never pass through the fake.
func (s *Server) deleteMessage(p params) reply {
	chatID, failed := p.chatID()
	if failed != nil {
		return *failed
	}
	messageID, failed := p.int("message_id", 0)
	if failed != nil {
		return *failed
	}
	if messageID == 0 {
		return badRequest("message identifier is not specified")
	}
	key := messageKey{chatID: chatID, messageID: int(messageID)}
	if s.deletedMessages[key] {
		return badRequest("message to delete not found")
	}
	s.deletedMessages[key] = true
	delete(s.messages, key)
	return ok(true)
}

// answerCallbackQuery serves https://core.telegram.org/bots/api#answercallbackquery.
// A query can be answered once.
func (s *Server) answerCallbackQuery(p params) reply {
	id := p["callback_query_id"]
	if id == "" || s.answeredCallbacks[id] {
		return badRequest(callbackQueryTooOld)
	}
	if len([]rune(p["text"])) > maxCallbackAnswer {
		return badRequest("MESSAGE_TOO_LONG")
	}
	s.answeredCallbacks[id] = true
	return ok(true)
}

// leaveChat serves https://core.telegram.org/bots/api#leavechat.
func (s *Server) leaveChat(p params) reply {
	chatID, failed := p.chatID()
	if failed != nil {
		return *failed
	}
	if s.chatLocked(chatID).Type == models.ChatTypePrivate {
		return badRequest("chat member status can't be changed in private chats")
	}
	s.members[memberKey{chatID: chatID, userID: botUser.ID}] = string(models.ChatMemberTypeLeft)
	return ok(true)
}

// secretTokenPattern is what setWebhook accepts as secret_token.
var secretTokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// setWebhook serves https://core.telegram.org/bots/api#setwebhook. The fake
// never calls the webhook: post updates to the bot with PostWebhook.
func (s *Server) setWebhook(p params) reply {
	target := strings.TrimSpace(p["url"])
	if target == "" {
		return s.removeWebhookLocked(p)
	}
	parsed, err := url.Parse(target)
	if err != nil || parsed.Scheme != "https" || parsed.Host == "" {
		return badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	if secret, sent := p["secret_token"]; sent && !secretTokenPattern.MatchString(secret) {
		return badRequest("secret token contains unallowed characters")
	}
	allowed, allowedSent, failed := p.stringList("allowed_updates")
	if failed != nil {
		return *failed
	}
	maxConnections, failed := p.int("max_connections", 40)
	if failed != nil {
		return *failed
	}
	if allowedSent {
		s.allowedUpdates = allowed
	}
	if p.bool("drop_pending_updates") {
		s.updates = nil
	}
	s.webhook = webhook{url: target, secretToken: p["secret_token"], maxConnections: int(maxConnections)}
	answer := ok(true)
	answer.description = "Webhook was set"
	return answer
}

// deleteWebhook serves https://core.telegram.org/bots/api#deletewebhook.
func (s *Server) deleteWebhook(p params) reply { return s.removeWebhookLocked(p) }

func (s *Server) removeWebhookLocked(p params) reply {
	if p.bool("drop_pending_updates") {
		s.updates = nil
	}
	answer := ok(true)
	answer.description = "Webhook was deleted"
	if s.webhook.url == "" {
		answer.description = "Webhook is already deleted"
	}
	s.webhook = webhook{}
	return answer
}

// getWebhookInfo serves https://core.telegram.org/bots/api#getwebhookinfo.
func (s *Server) getWebhookInfo(params) reply {
	info := models.WebhookInfo{URL: s.webhook.url, PendingUpdateCount: len(s.updates)}
	if s.webhook.url != "" {
		info.MaxConnections = s.webhook.maxConnections
		info.AllowedUpdates = s.allowedUpdates
	}
	return ok(info)
}

// commandPattern is what setMyCommands accepts as a command name.
var commandPattern = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// languageCodePattern is what setMyCommands and deleteMyCommands accept
// as a language_code.
var languageCodePattern = regexp.MustCompile(`^[a-z]{2}$`)
