package telegramtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// roundTrip sends update through JSON as Telegram would and decodes it the
// way go-telegram/bot does, returning the decoded update and the raw fields.
func roundTrip(t *testing.T, update models.Update) (models.Update, map[string]any) {
	t.Helper()
	raw, err := json.Marshal(&update)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	var decoded models.Update
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatalf("decode into models.Update: %v\n%s", err, raw)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatalf("decode into a map: %v", err)
	}
	return decoded, fields
}

// field digs a value out of decoded JSON by object keys and array indexes.
func field(value any, path ...any) any {
	for _, step := range path {
		switch key := step.(type) {
		case string:
			object, _ := value.(map[string]any)
			value = object[key]
		case int:
			array, _ := value.([]any)
			if key >= len(array) {
				return nil
			}
			value = array[key]
		}
	}
	return value
}

func TestBuildersMakeUpdatesThatDecode(t *testing.T) {
	ann := User(7, "Ann")
	original := Text(7, 7, "Your PayPal refund is ready: https://paypal-refund.example/claim")
	tests := []struct {
		name   string
		update models.Update
		check  func(t *testing.T, update models.Update, fields map[string]any)
	}{
		{"private text with a command", Text(7, 7, "/check@scamguard_test_bot now"), func(t *testing.T, u models.Update, f map[string]any) {
			m := u.Message
			if m == nil || m.ID == 0 || m.Date == 0 || m.Chat.ID != 7 || m.Chat.Type != "private" || m.From.ID != 7 || m.From.IsBot {
				t.Errorf("message %+v", m)
			}
			if len(m.Entities) != 1 || m.Entities[0].Type != "bot_command" || m.Entities[0].Offset != 0 || m.Entities[0].Length != 25 {
				t.Errorf("entities %+v, want the bot_command", m.Entities)
			}
			if field(f, "message", "chat", "type") != "private" {
				t.Errorf("raw chat.type = %v", field(f, "message", "chat", "type"))
			}
		}},
		{"text with a link and a mention", Text(7, 7, "Call @refund_desk or 😀 visit https://paypal-refund.example/claim."), func(t *testing.T, u models.Update, _ map[string]any) {
			want := []models.MessageEntity{{Type: "mention", Offset: 5, Length: 12}, {Type: "url", Offset: 30, Length: 35}}
			if !(parsedText{Entities: u.Message.Entities}).equal(parsedText{Entities: want}) {
				t.Errorf("entities %+v, want %+v", u.Message.Entities, want)
			}
		}},
		{"group text", GroupText(-1001234567890, ann, "hello"), func(t *testing.T, u models.Update, _ map[string]any) {
			if c := u.Message.Chat; c.Type != "supergroup" || c.Title == "" || u.Message.From.ID != 7 {
				t.Errorf("message %+v", u.Message)
			}
		}},
		{"basic group text", GroupText(-4001, ann, "hello"), func(t *testing.T, u models.Update, _ map[string]any) {
			if u.Message.Chat.Type != "group" {
				t.Errorf("chat %+v, want a basic group", u.Message.Chat)
			}
		}},
		{"forwarded from a user", Forwarded(7, 7, "win", OriginUser(55, "Bob")), func(t *testing.T, u models.Update, f map[string]any) {
			o := u.Message.ForwardOrigin
			if o == nil || o.Type != "user" || o.MessageOriginUser.SenderUser.ID != 55 || o.MessageOriginUser.Date == 0 {
				t.Errorf("forward_origin %+v", o)
			}
			if field(f, "message", "forward_origin", "sender_user", "first_name") != "Bob" {
				t.Errorf("raw forward_origin %v", field(f, "message", "forward_origin"))
			}
		}},
		{"forwarded from a hidden user", Forwarded(7, 7, "win", OriginHiddenUser("Support Team")), func(t *testing.T, u models.Update, f map[string]any) {
			o := u.Message.ForwardOrigin
			if o == nil || o.Type != "hidden_user" || o.MessageOriginHiddenUser.SenderUserName != "Support Team" {
				t.Errorf("forward_origin %+v", o)
			}
			if field(f, "message", "forward_origin", "type") != "hidden_user" {
				t.Errorf("raw forward_origin %v", field(f, "message", "forward_origin"))
			}
		}},
		{"forwarded from a chat", Forwarded(7, 7, "win", OriginChat(-1009, "Refund Help")), func(t *testing.T, u models.Update, f map[string]any) {
			o := u.Message.ForwardOrigin
			if o == nil || o.Type != "chat" || o.MessageOriginChat.SenderChat.ID != -1009 || o.MessageOriginChat.SenderChat.Title != "Refund Help" {
				t.Errorf("forward_origin %+v", o)
			}
			if field(f, "message", "forward_origin", "sender_chat", "title") != "Refund Help" {
				t.Errorf("raw forward_origin %v", field(f, "message", "forward_origin"))
			}
		}},
		{"forwarded from a channel", Forwarded(7, 7, "win", OriginChannel(-1005555555555, "Amazon Deals")), func(t *testing.T, u models.Update, f map[string]any) {
			o := u.Message.ForwardOrigin
			if o == nil || o.Type != "channel" || o.MessageOriginChannel.Chat.Type != "channel" || o.MessageOriginChannel.MessageID == 0 {
				t.Errorf("forward_origin %+v", o)
			}
			if field(f, "message", "forward_origin", "chat", "title") != "Amazon Deals" {
				t.Errorf("raw forward_origin %v", field(f, "message", "forward_origin"))
			}
		}},
		{"photo with caption", Caption(7, 7, "see https://x.example"), func(t *testing.T, u models.Update, f map[string]any) {
			m := u.Message
			if m.Text != "" || m.Caption != "see https://x.example" || len(m.Photo) != 3 || m.Photo[0].FileID == "" || m.Photo[2].Width <= m.Photo[0].Width {
				t.Errorf("message %+v", m)
			}
			if len(m.CaptionEntities) != 1 || m.CaptionEntities[0].Type != "url" {
				t.Errorf("caption_entities %+v", m.CaptionEntities)
			}
			if _, hasText := field(f, "message").(map[string]any)["text"]; hasText {
				t.Error("a photo message carries a text field")
			}
		}},
		{"sticker", Sticker(7, 7, "🤡"), func(t *testing.T, u models.Update, _ map[string]any) {
			if s := u.Message.Sticker; s == nil || s.Emoji != "🤡" || s.FileID == "" || u.Message.Text != "" {
				t.Errorf("message %+v", u.Message)
			}
		}},
		{"voice", Voice(7, 7, 12), func(t *testing.T, u models.Update, _ map[string]any) {
			if v := u.Message.Voice; v == nil || v.Duration != 12 || v.MimeType != "audio/ogg" || u.Message.Text != "" {
				t.Errorf("message %+v", u.Message)
			}
		}},
		{"edited", Edited(original, "never mind"), func(t *testing.T, u models.Update, _ map[string]any) {
			m := u.EditedMessage
			if u.Message != nil || m == nil || m.ID != original.Message.ID || m.Date != original.Message.Date || m.EditDate <= m.Date || m.Text != "never mind" || len(m.Entities) != 0 {
				t.Errorf("edited_message %+v of %+v", m, original.Message)
			}
		}},
		{"callback", Callback(7, 7, 321, "verdict:1:scam"), func(t *testing.T, u models.Update, f map[string]any) {
			q := u.CallbackQuery
			if q == nil || q.ID == "" || q.From.ID != 7 || q.Data != "verdict:1:scam" || q.ChatInstance == "" {
				t.Errorf("callback_query %+v", q)
			}
			if m := q.Message.Message; q.Message.Type != models.MaybeInaccessibleMessageTypeMessage || m == nil || m.ID != 321 || m.Chat.ID != 7 || m.From.ID != botUser.ID {
				t.Errorf("callback_query.message %+v", q.Message)
			}
			if field(f, "callback_query", "message", "message_id") != 321.0 {
				t.Errorf("raw callback_query %v", field(f, "callback_query"))
			}
		}},
		{"bot added to a group", MyChatMember(-4001, ann, "left", "administrator"), func(t *testing.T, u models.Update, f map[string]any) {
			c := u.MyChatMember
			if c == nil || c.Chat.ID != -4001 || c.From.ID != 7 || c.OldChatMember.Type != "left" || c.NewChatMember.Type != "administrator" || c.NewChatMember.Administrator.User.ID != botUser.ID {
				t.Errorf("my_chat_member %+v", c)
			}
			if field(f, "my_chat_member", "new_chat_member", "status") != "administrator" {
				t.Errorf("raw my_chat_member %v", field(f, "my_chat_member"))
			}
		}},
		{"user blocks the bot", MyChatMember(7, ann, "member", "kicked"), func(t *testing.T, u models.Update, _ map[string]any) {
			if c := u.MyChatMember; c.Chat.Type != "private" || c.NewChatMember.Banned == nil || c.NewChatMember.Banned.User.ID != botUser.ID {
				t.Errorf("my_chat_member %+v", c)
			}
		}},
		{"migration", Migrate(-4001, -1001000004001), func(t *testing.T, u models.Update, _ map[string]any) {
			if m := u.Message; m.Chat.ID != -4001 || m.Chat.Type != "group" || m.MigrateToChatID != -1001000004001 {
				t.Errorf("message %+v", m)
			}
		}},
		{"migrated from", MigratedFrom(-4001, -1001000004001), func(t *testing.T, u models.Update, _ map[string]any) {
			if m := u.Message; m.Chat.ID != -1001000004001 || m.Chat.Type != "supergroup" || m.MigrateFromChatID != -4001 {
				t.Errorf("message %+v", m)
			}
		}},
		{"new members", ServiceNewMembers(-4001, ann, User(8, "Eve"), User(9, "Mallory")), func(t *testing.T, u models.Update, f map[string]any) {
			if m := u.Message; len(m.NewChatMembers) != 2 || m.NewChatMembers[1].ID != 9 || m.From.ID != 7 || m.Text != "" {
				t.Errorf("message %+v", m)
			}
			if field(f, "message", "new_chat_members", 0, "first_name") != "Eve" {
				t.Errorf("raw new_chat_members %v", field(f, "message", "new_chat_members"))
			}
		}},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			decoded, fields := roundTrip(t, test.update)
			test.check(t, decoded, fields)
		})
	}
}

func TestBuildersNumberMessagesUniquely(t *testing.T) {
	first, second := Text(7, 7, "a"), Text(7, 7, "b")
	if second.Message.ID <= first.Message.ID {
		t.Errorf("message ids %d then %d, want increasing", first.Message.ID, second.Message.ID)
	}
	if a, b := Callback(7, 7, 1, "x"), Callback(7, 7, 1, "x"); a.CallbackQuery.ID == b.CallbackQuery.ID {
		t.Errorf("two callback queries share the id %s", a.CallbackQuery.ID)
	}
}

func TestPostWebhookSetsTheSecretHeader(t *testing.T) {
	tests := []struct {
		name   string
		secret string
	}{
		{"with secret", "s3cret"},
		{"without secret", ""},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			type delivery struct {
				header, hasHeader, contentType string
				update                         models.Update
			}
			delivered := make(chan delivery, 1)
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				var got delivery
				got.header = r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
				_, present := r.Header["X-Telegram-Bot-Api-Secret-Token"]
				if present {
					got.hasHeader = "yes"
				}
				got.contentType = r.Header.Get("Content-Type")
				_ = json.Unmarshal(body, &got.update)
				delivered <- got
			}))
			defer hook.Close()

			update := Text(7, 7, "hello")
			update.ID = 77
			response, err := PostWebhook(hook.URL, test.secret, update)
			if err != nil {
				t.Fatalf("PostWebhook: %v", err)
			}
			response.Body.Close()
			got := <-delivered
			if got.header != test.secret || (got.hasHeader == "yes") != (test.secret != "") {
				t.Errorf("secret header %q (present %q), want %q", got.header, got.hasHeader, test.secret)
			}
			if got.contentType != "application/json" || got.update.ID != 77 || got.update.Message == nil || got.update.Message.Text != "hello" {
				t.Errorf("delivered %+v", got)
			}
		})
	}
}

func TestPostWebhookReachesTheRealWebhookHandler(t *testing.T) {
	srv := New(t)
	received := make(chan *models.Update, 1)
	client := newClient(t, srv,
		bot.WithWebhookSecretToken("s3cret"),
		bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, update *models.Update) { received <- update }),
	)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go client.StartWebhook(ctx)
	hook := httptest.NewServer(client.WebhookHandler())
	t.Cleanup(hook.Close)

	// The wrong secret is dropped by the handler (which still answers 200),
	// so the first update the bot sees must be the one with the secret.
	for _, delivery := range []struct {
		secret, text string
	}{{"wrong", "forged"}, {"s3cret", "genuine"}} {
		response, err := PostWebhook(hook.URL, delivery.secret, Text(7, 7, delivery.text))
		if err != nil {
			t.Fatalf("PostWebhook: %v", err)
		}
		response.Body.Close()
	}
	select {
	case update := <-received:
		if update.Message == nil || update.Message.Text != "genuine" {
			t.Errorf("bot received %+v, want only the genuine update", update)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("bot received nothing through its webhook")
	}
}
