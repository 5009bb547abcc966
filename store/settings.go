package store

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Settings are a chat's choices. They outlive the conversation
// (SettingsTTL, refreshed by every message and change): a family group set
// up once must not lose its language after three quiet days, but a chat
// gone for half a year leaves nothing behind.
type Settings struct {
	// Language overrides the reply language ("zh", "zh-Hant", "en"); empty
	// means chosen from the conversation.
	Language string
	// Region picks the anti-fraud line (CN, HK, TW, …); empty means from
	// the language.
	Region string
	// Sensitivity is "low", "normal" or "high"; empty means normal.
	Sensitivity string
	// Muted stops warnings in the chat.
	Muted bool
	// Quiet makes a group bot speak only when asked (/check or a mention).
	Quiet bool
	// Guardians lets a group warning about a member's message also alert
	// that member's guardians (opt-in per group; off by default).
	Guardians bool
	// ShareConsent is the user's agreement that warnings in this chat are
	// queued (redacted) for moderators; off until they press the button.
	ShareConsent bool
	// ConsentAsked records that the consent button was offered (once, on
	// the first warning), so the user is not asked again.
	ConsentAsked bool
	// RegionAsked records that the user was asked where they live (at
	// /start, or when a warning's guess was not sure), so they are asked
	// once.
	RegionAsked bool
	// RegionElsewhere records that the user answered "where do you live?"
	// with "Somewhere else": no region is guessed for them (Region stays
	// empty), so no bank or hotline of a region they did not pick is shown.
	RegionElsewhere bool
	// Menu is the command menu set for this private chat alone (a
	// chat-scoped setMyCommands): "zh-Hant", or empty for none (the
	// language menus apply). Kept so that a replica calls Telegram only
	// when it changes.
	Menu string
}

// The settings hash's field names.
const (
	fieldLanguage    = "language"
	fieldRegion      = "region"
	fieldSensitivity = "sensitivity"
	fieldMuted       = "muted"
	fieldConsent     = "consent"
	fieldAsked       = "consent_asked"
	fieldQuiet       = "quiet"
	fieldGuardians   = "guardians"
	fieldRegionAsked = "region_asked"
	fieldElsewhere   = "region_elsewhere"
	fieldMenu        = "menu"
)

// Settings returns chat's settings; a chat that set nothing gets the zero value.
func (s *Store) Settings(ctx context.Context, chat int64) (Settings, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	fields, err := s.client.HGetAll(ctx, s.chatKey(chat, "settings")).Result()
	if err != nil {
		return Settings{}, fmt.Errorf("read settings of chat %d: %w", chat, err)
	}
	return settingsFromMap(fields), nil
}

// SaveSettings replaces chat's settings; empty fields are removed rather
// than stored, so defaults stay defaults when they change.
func (s *Store) SaveSettings(ctx context.Context, chat int64, settings Settings) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		s.QueueSettings(ctx, pipe, chat, settings)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save settings of chat %d: %w", chat, err)
	}
	return nil
}

// QueueSettings adds SaveSettings' commands to pipe: a burst's answer
// writes the settings it changed (consent or region asked) in its
// finishing pipeline, not in a round trip of its own. One HDEL for the
// fields left empty and one HSET for the rest: three commands, not one
// per field.
func (s *Store) QueueSettings(ctx context.Context, pipe redis.Pipeliner, chat int64, settings Settings) {
	key := s.chatKey(chat, "settings")
	set := map[string]string{
		fieldLanguage:    settings.Language,
		fieldRegion:      settings.Region,
		fieldSensitivity: settings.Sensitivity,
		fieldMenu:        settings.Menu,
	}
	for field, on := range map[string]bool{fieldMuted: settings.Muted, fieldConsent: settings.ShareConsent, fieldAsked: settings.ConsentAsked,
		fieldQuiet: settings.Quiet, fieldGuardians: settings.Guardians, fieldRegionAsked: settings.RegionAsked,
		fieldElsewhere: settings.RegionElsewhere} {
		set[field] = ""
		if on {
			set[field] = "1"
		}
	}
	var gone []string
	var kept []any
	for field, value := range set {
		if value == "" {
			gone = append(gone, field)
		} else {
			kept = append(kept, field, value)
		}
	}
	if len(gone) > 0 {
		pipe.HDel(ctx, key, gone...)
	}
	if len(kept) > 0 {
		pipe.HSet(ctx, key, kept...)
	}
	pipe.PExpire(ctx, key, s.cfg.SettingsTTL)
}

func settingsFromMap(fields map[string]string) Settings {
	return Settings{
		Language:        fields[fieldLanguage],
		Region:          fields[fieldRegion],
		Sensitivity:     fields[fieldSensitivity],
		Muted:           fields[fieldMuted] == "1",
		ShareConsent:    fields[fieldConsent] == "1",
		ConsentAsked:    fields[fieldAsked] == "1",
		Quiet:           fields[fieldQuiet] == "1",
		Guardians:       fields[fieldGuardians] == "1",
		RegionAsked:     fields[fieldRegionAsked] == "1",
		RegionElsewhere: fields[fieldElsewhere] == "1",
		Menu:            fields[fieldMenu],
	}
}

// decodeSettings reads HGETALL as a Lua script returns it: a flat list of
// field, value pairs.
func decodeSettings(reply any) (Settings, error) {
	list, ok := reply.([]any)
	if !ok && reply != nil {
		// RESP3 turns HGETALL into a map even inside a script reply.
		if m, isMap := reply.(map[any]any); isMap {
			fields := map[string]string{}
			for k, v := range m {
				key, _ := k.(string)
				value, _ := v.(string)
				fields[key] = value
			}
			return settingsFromMap(fields), nil
		}
		return Settings{}, fmt.Errorf("script reply: settings are %T", reply)
	}
	fields := make(map[string]string, len(list)/2)
	for i := 0; i+1 < len(list); i += 2 {
		key, _ := list[i].(string)
		value, _ := list[i+1].(string)
		fields[key] = value
	}
	return settingsFromMap(fields), nil
}
