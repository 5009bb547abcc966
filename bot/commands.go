package bot

import (
	"context"
	_ "embed"
	"fmt"
	"regexp"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"go.yaml.in/yaml/v3"
)

//go:embed commands.yaml
var commandsYAML []byte

// menuCommand is one command of a menu with its description per language.
type menuCommand struct {
	Command string `yaml:"command"`
	En      string `yaml:"en"`
	Zh      string `yaml:"zh"`
}

// menus are the command menus of commands.yaml, by scope.
type menus struct {
	Private []menuCommand `yaml:"private"`
	Group   []menuCommand `yaml:"group"`
}

// menuLanguages are the languages a menu is set in: "" is the default
// (English, for every language without its own menu). Telegram takes a
// two-letter ISO 639-1 code only, so one "zh" menu serves both scripts.
var menuLanguages = []string{"", "zh"}

// commandName is what Telegram accepts as a command.
var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// loadMenus reads and checks commands.yaml: every command named as
// Telegram accepts it, described in every language within 256 characters.
func loadMenus() (menus, error) {
	var m menus
	if err := yaml.Unmarshal(commandsYAML, &m); err != nil {
		return menus{}, fmt.Errorf("commands.yaml: %w", err)
	}
	for scope, list := range map[string][]menuCommand{"private": m.Private, "group": m.Group} {
		if len(list) == 0 {
			return menus{}, fmt.Errorf("commands.yaml: no %s commands", scope)
		}
		for _, c := range list {
			if !commandName.MatchString(c.Command) {
				return menus{}, fmt.Errorf("commands.yaml: %s command %q is not a valid name", scope, c.Command)
			}
			for _, lang := range menuLanguages {
				if d := c.description(lang); d == "" || len([]rune(d)) > 256 {
					return menus{}, fmt.Errorf("commands.yaml: %s command %q: description in %q is empty or over 256 characters", scope, c.Command, lang)
				}
			}
		}
	}
	return m, nil
}

// description is c's description in lang ("" is English).
func (c menuCommand) description(lang string) string {
	if lang == "zh" {
		return c.Zh
	}
	return c.En
}

// botCommands is list as Telegram's commands in lang.
func botCommands(list []menuCommand, lang string) []models.BotCommand {
	out := make([]models.BotCommand, len(list))
	for i, c := range list {
		out[i] = models.BotCommand{Command: c.Command, Description: c.description(lang)}
	}
	return out
}

// registerCommands sets the command menus Telegram shows, for private
// chats and groups, in each of menuLanguages; failing is harmless.
func (b *Bot) registerCommands(ctx context.Context) {
	for _, lang := range menuLanguages {
		for _, menu := range []*tgbot.SetMyCommandsParams{
			{Commands: botCommands(b.menus.Private, lang), Scope: &models.BotCommandScopeAllPrivateChats{}, LanguageCode: lang},
			{Commands: botCommands(b.menus.Group, lang), Scope: &models.BotCommandScopeAllGroupChats{}, LanguageCode: lang},
		} {
			if _, err := b.room.API.SetMyCommands(ctx, menu); err != nil {
				b.room.Log.Warn("setMyCommands failed", "language", lang, "err", err)
			}
		}
	}
}
