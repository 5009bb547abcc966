package bot_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

// The command menus are set per language: English for everyone (no
// language code) and Chinese for "zh", in private chats and in groups,
// with the same commands in each language.
func TestCommandMenusPerLanguage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	calls := h.api.WaitCalls(t, "setMyCommands", 4, 10*time.Second)
	type menu struct{ scope, lang string }
	got := map[menu][]models.BotCommand{}
	for _, c := range calls {
		if c.Failed {
			t.Errorf("setMyCommands failed: %v", c.Params)
		}
		var scope struct {
			Type string `json:"type"`
		}
		var commands []models.BotCommand
		if err := json.Unmarshal([]byte(c.Params["scope"]), &scope); err != nil {
			t.Fatalf("scope %q: %v", c.Params["scope"], err)
		}
		if err := json.Unmarshal([]byte(c.Params["commands"]), &commands); err != nil {
			t.Fatalf("commands %q: %v", c.Params["commands"], err)
		}
		got[menu{scope.Type, c.Params["language_code"]}] = commands
	}
	names := func(commands []models.BotCommand) []string {
		var out []string
		for _, c := range commands {
			out = append(out, c.Command)
		}
		return out
	}
	for _, tc := range []struct {
		scope, want string
		commands    []string
	}{
		{"all_private_chats", "做什么", []string{"start", "new", "lang", "region", "forget", "mydata", "privacy", "guardian", "help"}},
		{"all_group_chats", "检查你回复的那条消息", []string{"check", "settings", "help"}},
	} {
		en, zh := got[menu{tc.scope, ""}], got[menu{tc.scope, "zh"}]
		if !slices.Equal(names(en), tc.commands) || !slices.Equal(names(zh), tc.commands) {
			t.Errorf("%s: commands %v (default) and %v (zh), want %v in both", tc.scope, names(en), names(zh), tc.commands)
			continue
		}
		var zhText string
		for i := range zh {
			zhText += zh[i].Description
			if zh[i].Description == en[i].Description {
				t.Errorf("%s /%s: the zh description is the English one, %q", tc.scope, zh[i].Command, en[i].Description)
			}
		}
		contains(t, zhText, tc.want)
	}
}
