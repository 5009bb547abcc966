package telegramtest

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"
)

// Command menus, as setMyCommands and deleteMyCommands keep them: one per
// scope and language code (https://core.telegram.org/bots/api#botcommandscope).

// MenuScope names the scope of a menu: Type as the API spells it
// ("default", "all_private_chats", "chat", …), Chat and User where the type
// takes them, Lang the two-letter language code or "" for all.
type MenuScope struct {
	Type       string
	Chat, User int64
	Lang       string
}

// maxCommands is how many commands one menu may have.
const maxCommands = 100

// scopeTypes are the BotCommandScope types and which ids each takes.
var scopeTypes = map[string]struct{ chat, user bool }{
	"default":                 {},
	"all_private_chats":       {},
	"all_group_chats":         {},
	"all_chat_administrators": {},
	"chat":                    {chat: true},
	"chat_administrators":     {chat: true},
	"chat_member":             {chat: true, user: true},
}

// menuScope reads the scope and language_code parameters of setMyCommands
// and deleteMyCommands as Telegram does: no scope is "default"; a scope
// must be a JSON object of a known type with the ids its type takes; the
// language code two lower-case letters or none.
func menuScope(p params) (MenuScope, *reply) {
	fail := func(description string) (MenuScope, *reply) {
		failed := badRequest(description)
		return MenuScope{}, &failed
	}
	lang := p["language_code"]
	if lang != "" && !languageCodePattern.MatchString(lang) {
		return fail("LANG_CODE_INVALID")
	}
	raw := strings.TrimSpace(p["scope"])
	if raw == "" {
		return MenuScope{Type: "default", Lang: lang}, nil
	}
	var scope struct {
		Type   string          `json:"type"`
		ChatID json.RawMessage `json:"chat_id"`
		UserID json.RawMessage `json:"user_id"`
	}
	if err := json.Unmarshal([]byte(raw), &scope); err != nil {
		return fail("can't parse BotCommandScope JSON object")
	}
	takes, known := scopeTypes[scope.Type]
	if !known {
		return fail("unsupported bot command scope type")
	}
	out := MenuScope{Type: scope.Type, Lang: lang}
	if takes.chat {
		id, failed := scopeID(scope.ChatID, "chat_id is empty", "chat not found")
		if failed != nil {
			return MenuScope{}, failed
		}
		out.Chat = id
	}
	if takes.user {
		id, failed := scopeID(scope.UserID, "user_id is empty", "USER_ID_INVALID")
		if failed != nil {
			return MenuScope{}, failed
		}
		out.User = id
	}
	return out, nil
}

// scopeID reads a scope's chat_id or user_id: a number, or a string of
// one (Telegram also takes "@channelusername", which the fake knows no
// chat by).
func scopeID(raw json.RawMessage, empty, unknown string) (int64, *reply) {
	text := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if text == "" || text == "null" {
		failed := badRequest(empty)
		return 0, &failed
	}
	id, err := strconv.ParseInt(text, 10, 64)
	if err != nil || id == 0 {
		failed := badRequest(unknown)
		return 0, &failed
	}
	return id, nil
}

// setMyCommands serves https://core.telegram.org/bots/api#setmycommands.
func (s *Server) setMyCommands(p params) reply {
	var commands []models.BotCommand
	if err := json.Unmarshal([]byte(p["commands"]), &commands); err != nil {
		return badRequest("can't parse commands JSON array")
	}
	scope, failed := menuScope(p)
	if failed != nil {
		return *failed
	}
	if len(commands) > maxCommands {
		return badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, command := range commands {
		if !commandPattern.MatchString(command.Command) {
			return badRequest("BOT_COMMAND_INVALID")
		}
		if description := strings.TrimSpace(command.Description); description == "" || len([]rune(description)) > maxCommandDescLen {
			return badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	if len(commands) == 0 {
		// An empty list is how Telegram's own clients remove a menu.
		delete(s.menus, scope)
		return ok(true)
	}
	s.menus[scope] = commands
	return ok(true)
}

// deleteMyCommands serves https://core.telegram.org/bots/api#deletemycommands:
// the scope's menu goes, and the next wider one applies again.
func (s *Server) deleteMyCommands(p params) reply {
	scope, failed := menuScope(p)
	if failed != nil {
		return *failed
	}
	delete(s.menus, scope)
	return ok(true)
}

// Menu returns the menu set for scope, and whether there is one.
func (s *Server) Menu(scope MenuScope) ([]models.BotCommand, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	commands, ok := s.menus[scope]
	return commands, ok
}
