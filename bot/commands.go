package bot

import (
	"context"
	_ "embed"
	"fmt"
	"regexp"
	"slices"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"go.yaml.in/yaml/v3"

	"github.com/scamguard/scamguard/catalog"
)

//go:embed commands.yaml
var commandsYAML []byte

// menuCommand is one command of a menu with its description per language.
type menuCommand struct {
	Command string `yaml:"command"`
	En      string `yaml:"en"`
	Zh      string `yaml:"zh"`
	ZhHant  string `yaml:"zh-Hant"`
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

// chatMenuLanguage is the language whose menu is set per private chat
// (private.Config.ChatMenus): Telegram cannot key it by language code, as
// "zh" is both scripts, so a chat scope, which wins over the language
// menus, carries it for the chats answered in it.
const chatMenuLanguage = "zh-Hant"

// commandName is what Telegram accepts as a command.
var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// loadMenus reads and checks commands.yaml: every command named as
// Telegram accepts it, described in every language within 256 characters,
// the Traditional texts in words Taiwan and Hong Kong share (as catalog's
// vocabulary of each leaves them).
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
			for _, lang := range append(slices.Clone(menuLanguages), chatMenuLanguage) {
				if d := c.description(lang); d == "" || len([]rune(d)) > 256 {
					return menus{}, fmt.Errorf("commands.yaml: %s command %q: description in %q is empty or over 256 characters", scope, c.Command, lang)
				}
			}
			for _, variant := range []string{catalog.HantTaiwan, catalog.HantHongKong} {
				if local := catalog.LocalizeHant(c.ZhHant, variant); local != c.ZhHant {
					return menus{}, fmt.Errorf("commands.yaml: %s command %q: zh-Hant %q reads %q in %s's words; use words both share", scope, c.Command, c.ZhHant, local, variant)
				}
			}
		}
	}
	return m, nil
}

// description is c's description in lang ("" is English, "zh-Hant" the
// chat menu's Traditional).
func (c menuCommand) description(lang string) string {
	switch lang {
	case "zh":
		return c.Zh
	case chatMenuLanguage:
		return c.ZhHant
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

// chatMenus are the private menus set per chat, by the reply language that
// gets one (private.Config.ChatMenus).
func (m menus) chatMenus() map[string][]models.BotCommand {
	return map[string][]models.BotCommand{chatMenuLanguage: botCommands(m.Private, chatMenuLanguage)}
}
