package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scamguard/scamguard/bot/telegramtest"
)

// chatMenuCalls are the bot's calls of method (setMyCommands or
// deleteMyCommands) that gave chat a menu of its own.
func chatMenuCalls(h *harness, method string, chat int64) int {
	n := 0
	for _, c := range h.api.Calls(method) {
		if !c.Failed && menuChat(c) == fmt.Sprint(chat) {
			n++
		}
	}
	return n
}

// A private chat answered in Traditional gets the Traditional menu as its
// own (a chat scope wins over the "zh" menu, which is Simplified), once
// however many messages come; a Simplified reader gets none until /lang
// picks Traditional; /lang en or zh removes it, so the language menus
// apply again.
func TestChatMenuFollowsReplyLanguage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, lang string
		chat       int64
		// firstSet is how many chat menus the first messages set: one
		// for a Traditional reader, none for a Simplified one.
		firstSet int
	}{
		{"zh-TW", "zh-tw", 15101, 1},
		{"zh-HK", "zh-hk", 15102, 1},
		{"zh-Hans", "zh-hans", 15103, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := newJourney(t, tc.chat, tc.lang)
			j.types("你好", 1)
			j.types("/help", 1)
			j.types("/privacy", 1)
			j.h.settle(tc.chat)
			if got := chatMenuCalls(j.h, "setMyCommands", tc.chat); got != tc.firstSet {
				t.Fatalf("three messages set the chat's own menu %d times, want %d", got, tc.firstSet)
			}
			scope := telegramtest.MenuScope{Type: "chat", Chat: tc.chat}
			if tc.firstSet == 0 {
				if _, ok := j.h.api.Menu(scope); ok {
					t.Fatal("a Simplified reader's chat has a menu of its own")
				}
				j.types("/lang zh-Hant", 1) // the setting leads
				j.h.settle(tc.chat)
			}
			menu, ok := j.h.api.Menu(scope)
			if !ok {
				t.Fatal("a Traditional reader's chat has no menu of its own")
			}
			var texts []string
			for _, c := range menu {
				texts = append(texts, c.Description)
			}
			if all := strings.Join(texts, " "); !strings.Contains(all, "這個機器人能做什麼") || strings.Contains(all, "这个") {
				t.Errorf("the chat's menu is not Traditional: %s", all)
			}
			j.types("/lang en", 1)
			j.h.settle(tc.chat)
			if _, ok := j.h.api.Menu(scope); ok {
				t.Error("after /lang en the chat keeps its Traditional menu")
			}
			if got := chatMenuCalls(j.h, "deleteMyCommands", tc.chat); got != 1 {
				t.Errorf("/lang en deleted the chat's menu %d times, want 1", got)
			}
			j.types("/help", 1)
			j.h.settle(tc.chat)
			if got := chatMenuCalls(j.h, "setMyCommands", tc.chat) + chatMenuCalls(j.h, "deleteMyCommands", tc.chat); got != 2 {
				t.Errorf("a message after /lang en called Telegram about the menu again (%d calls in all, want 2)", got)
			}
		})
	}
}

// A Taiwan user's first message sets their chat's Traditional menu, which
// /lang en removes again.
func TestJourneyTraditionalMenu(t *testing.T) {
	t.Parallel()
	j := newJourney(t, 15104, "zh-tw")
	j.types("你好", 1)
	j.types("/lang en", 1)
	j.check("traditional-menu")
}

// /forget takes the chat's own menu with the setting that chose it: a
// Simplified reader who picked Traditional is back on the "zh" menu.
func TestForgetDropsChatMenu(t *testing.T) {
	t.Parallel()
	const chat = 15106
	j := newJourney(t, chat, "zh-hans")
	j.types("/lang zh-Hant", 1)
	j.h.settle(chat)
	scope := telegramtest.MenuScope{Type: "chat", Chat: chat}
	if _, ok := j.h.api.Menu(scope); !ok {
		t.Fatal("/lang zh-Hant set no menu for the chat")
	}
	j.types("/forget", 1)
	j.h.settle(chat)
	if _, ok := j.h.api.Menu(scope); ok {
		t.Error("after /forget the chat keeps the Traditional menu its setting chose")
	}
}
