// Package conversation is what every room of the bot (private chats,
// groups and guardians, moderation) stands on: each chat's conversation
// kept in the store and classified as it grows (record.go), the detection
// pipeline run over it (detect.go), the chat's settings, what the bot says
// besides check replies (texts.yaml), and the way out to the send queue.
// It imports detect, reply, store and the send queue, never a room.
package conversation

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/sendqueue"
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/intent"
	"github.com/scamguard/scamguard/region"
	"github.com/scamguard/scamguard/reply"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/store"
)

// Room holds the parts every room uses. The bot builds one and hands it
// to each room; all fields are set (Review may be nil: no moderation).
type Room struct {
	Store      *store.Store
	Classifier *classifier.Classifier
	Replies    *reply.Renderer
	Catalog    *catalog.Catalog
	// Regions guesses where a user lives (RegionOf); Intents reads what a
	// user's own message means (a greeting, "I already paid").
	Regions *region.Inferrer
	Intents *intent.Reader
	// Review is the moderators' queue; nil runs without moderation.
	Review *review.Queue
	// ModChat is the moderators' group; 0 when there is none.
	ModChat int64
	Log     *slog.Logger
	// API is the Bot API client; calls that change a chat go through Send.
	API *tgbot.Bot
	// Username is the bot's @username, for /cmd@name and mentions.
	Username string
	Send     *sendqueue.Queue
	Metrics  *Metrics
	Texts    Texts
	// Pipeline is detection, built once (detect.Standard).
	Pipeline *detect.Pipeline
}

// Settings returns chat's settings, or the defaults when the store fails.
func (b *Room) Settings(ctx context.Context, chat int64) store.Settings {
	s, err := b.Store.Settings(ctx, chat)
	if err != nil {
		b.Degrade("store", err)
	}
	return s
}

// Degrade logs and counts a dependency that failed while the bot went on
// without it.
func (b *Room) Degrade(dependency string, err error) {
	b.Metrics.Degraded.WithLabelValues(dependency).Inc()
	b.Log.Warn("degraded: "+dependency+" failed; carrying on without it", "err", err)
}

// Refuse logs and counts a button pressed by someone it is not for: a
// case of another chat or user, a moderator's button pressed by anyone
// else or outside the moderators' chats. Nothing of the press is acted on.
func (b *Room) Refuse(button string, chat, user int64) {
	b.Metrics.Refused.WithLabelValues(button).Inc()
	b.Log.Warn("button refused: not the presser's", "button", button, "chat", chat, "user", user)
}

// SendText queues a notice (HTML) to chat, replying to replyTo when it is
// not 0.
func (b *Room) SendText(chat int64, group bool, what, text string, replyTo int) {
	params := &tgbot.SendMessageParams{ChatID: chat, Text: text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()}}
	if replyTo != 0 {
		params.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	b.Queue(chat, group, what, params)
}

// Queue hands a sendMessage to the send queue.
func (b *Room) Queue(chat int64, group bool, what string, params *tgbot.SendMessageParams) {
	b.Send.Send(chat, group, what, sendqueue.Message{Method: "sendMessage", Params: params})
}

// QueueEdit hands an editMessageText to the send queue.
func (b *Room) QueueEdit(chat int64, group bool, what string, params *tgbot.EditMessageTextParams) {
	b.Send.Send(chat, group, what, sendqueue.Message{Method: "editMessageText", Params: params})
}

// Command splits "/name@bot arg" into name and arg. ok is false when text
// is not a command; name is empty when the command is addressed to another
// bot (in a group, "/start@otherbot" is not ours).
func (b *Room) Command(text string) (name, arg string, ok bool) {
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return "", "", false
	}
	head, rest, _ := strings.Cut(text[1:], " ")
	if i := strings.IndexAny(head, "\n\t"); i >= 0 {
		head, rest = head[:i], head[i+1:]+" "+rest
	}
	name, addressee, addressed := strings.Cut(head, "@")
	if name == "" || !isCommandName(name) {
		return "", "", false
	}
	if addressed && !strings.EqualFold(addressee, b.Username) {
		return "", "", true
	}
	return strings.ToLower(name), strings.TrimSpace(rest), true
}

// isCommandName is Telegram's rule: up to 32 letters, digits, underscores.
func isCommandName(name string) bool {
	if len(name) > 32 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// MessageText is what a message says: its text, or a media caption.
func MessageText(msg *models.Message) string {
	if msg.Text != "" {
		return msg.Text
	}
	return msg.Caption
}

// MessageEntry is msg as the conversation store keeps it.
func MessageEntry(msg *models.Message, text string, from classifier.Speaker) store.Entry {
	return store.Entry{ID: int64(msg.ID), From: string(from), Text: text, Time: time.Unix(int64(msg.Date), 0)}
}

// UILang is the language the bot speaks to a user outside check replies:
// the chat's setting, else the user's Telegram language.
func UILang(s store.Settings, from *models.User) string {
	if s.Language != "" {
		return s.Language
	}
	if from != nil {
		return from.LanguageCode
	}
	return ""
}

// LanguageChoices are the reply languages a chat can choose, as (callback
// value, label); "auto"'s label is the chat's UI text.
var LanguageChoices = [][2]string{{"zh", "中文"}, {"zh-Hant", "繁體中文"}, {"en", "English"}, {"auto", ""}}

// DisplayName is how a user is called: first name, else @username, else
// the id; at most 64 characters.
func DisplayName(u *models.User) string {
	name := strings.TrimSpace(strings.TrimSpace(u.FirstName + " " + u.LastName))
	if name == "" && u.Username != "" {
		name = "@" + u.Username
	}
	if name == "" {
		name = strconv.FormatInt(u.ID, 10)
	}
	if r := []rune(name); len(r) > 64 {
		name = string(r[:64])
	}
	return name
}

// RandomToken is crypto/rand.Text (128 bits, 26 base32 characters) in
// lower case: ids for cases and secrets, safe in callback data, in URLs and
// in a /start parameter.
func RandomToken() string {
	return strings.ToLower(rand.Text())
}
