package telegramtest

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Menus are kept per scope and language: a chat's own menu sits beside the
// language menus, and deleteMyCommands removes that scope's menu alone.
func TestMenusPerScope(t *testing.T) {
	srv := New(t)
	client := newClient(t, srv)
	ctx := context.Background()
	set := func(scope models.BotCommandScope, lang, description string) error {
		_, err := client.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "help", Description: description}}, Scope: scope, LanguageCode: lang})
		return err
	}
	if err := set(&models.BotCommandScopeAllPrivateChats{}, "zh", "使用方法"); err != nil {
		t.Fatalf("setMyCommands for all private chats in zh: %v", err)
	}
	if err := set(&models.BotCommandScopeChat{ChatID: int64(42)}, "", "使用方法（繁）"); err != nil {
		t.Fatalf("setMyCommands for chat 42: %v", err)
	}
	descriptionOf := func(scope MenuScope) string {
		commands, ok := srv.Menu(scope)
		if !ok {
			return "none"
		}
		return commands[0].Description
	}
	chat := MenuScope{Type: "chat", Chat: 42}
	language := MenuScope{Type: "all_private_chats", Lang: "zh"}
	if got := descriptionOf(chat); got != "使用方法（繁）" {
		t.Errorf("chat 42's menu: %q", got)
	}
	if got := descriptionOf(language); got != "使用方法" {
		t.Errorf("the zh private menu: %q", got)
	}
	if _, err := client.DeleteMyCommands(ctx, &bot.DeleteMyCommandsParams{Scope: &models.BotCommandScopeChat{ChatID: int64(42)}}); err != nil {
		t.Fatalf("deleteMyCommands for chat 42: %v", err)
	}
	if got := descriptionOf(chat); got != "none" {
		t.Errorf("chat 42's menu after deleteMyCommands: %q", got)
	}
	if got := descriptionOf(language); got != "使用方法" {
		t.Errorf("deleting chat 42's menu took the zh private menu: %q", got)
	}
}

// A scope is checked as Telegram checks it: a known type, with the ids its
// type takes; deleteMyCommands checks scope and language alike.
func TestMenuScopeValidation(t *testing.T) {
	srv := New(t)
	commands := `[{"command":"help","description":"How to use it"}]`
	for _, tc := range []struct {
		name, scope, lang, want string // want "" is accepted
	}{
		{"no scope", "", "", ""},
		{"chat", `{"type":"chat","chat_id":42}`, "", ""},
		{"chat id as a string", `{"type":"chat","chat_id":"42"}`, "en", ""},
		{"chat without an id", `{"type":"chat"}`, "", "chat_id is empty"},
		{"chat id not a number", `{"type":"chat","chat_id":"@nobody"}`, "", "chat not found"},
		{"chat member without a user", `{"type":"chat_member","chat_id":-100}`, "", "user_id is empty"},
		{"unknown type", `{"type":"everyone"}`, "", "unsupported bot command scope type"},
		{"not JSON", `chat`, "", "can't parse BotCommandScope JSON object"},
		{"a region in the language", `{"type":"chat","chat_id":42}`, "zh-tw", "LANG_CODE_INVALID"},
	} {
		for _, method := range []string{"setMyCommands", "deleteMyCommands"} {
			form := url.Values{"scope": {tc.scope}, "language_code": {tc.lang}}
			if method == "setMyCommands" {
				form.Set("commands", commands)
			}
			answer := post(t, methodURL(srv, method), "application/x-www-form-urlencoded", form.Encode())
			switch {
			case tc.want == "" && !answer.OK:
				t.Errorf("%s, %s: refused (%s), want accepted", tc.name, method, answer.Description)
			case tc.want != "" && (answer.OK || !strings.Contains(answer.Description, tc.want)):
				t.Errorf("%s, %s: answered ok=%v %q, want %q", tc.name, method, answer.OK, answer.Description, tc.want)
			}
		}
	}
	if _, ok := srv.Menu(MenuScope{Type: "chat", Chat: 42}); ok {
		t.Error("chat 42 has a menu after deleteMyCommands")
	}
}
