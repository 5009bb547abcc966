package review

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The environment variables of the review side, in one place for the
// README's option table and the binary's wiring.
const (
	// EnvModerators is the comma-separated Telegram user ids of moderators.
	EnvModerators = "SCAMGUARD_MODERATORS"
	// EnvModChat is the moderators' group chat id, where case cards go.
	EnvModChat = "SCAMGUARD_MOD_CHAT"
	// EnvModLang is the language of the moderators' group: zh or en.
	EnvModLang = "SCAMGUARD_MOD_LANG"
	// EnvAnswerWithin is how long "ask a human" waits for a moderator
	// before the user is told nobody could look yet (Config.AnswerWithin).
	EnvAnswerWithin = "SCAMGUARD_HUMAN_ANSWER_WITHIN"
	// EnvConsoleURL is the console's public base URL for sign-in links
	// (https://mod.example.org); default http://<the bot's HTTP address>.
	EnvConsoleURL = "SCAMGUARD_CONSOLE_URL"
	// EnvConsoleSecret signs sign-in links; random per process when unset
	// (links then work only on the replica that issued them).
	EnvConsoleSecret = "SCAMGUARD_CONSOLE_SECRET"
)

// Moderators is the allow-list of moderators' Telegram user ids. The zero
// value allows nobody.
type Moderators struct {
	ids map[int64]bool
}

// ParseModerators reads a comma-separated list of user ids ("123, 456").
func ParseModerators(list string) (Moderators, error) {
	m := Moderators{ids: map[int64]bool{}}
	for _, field := range strings.Split(list, ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		id, err := strconv.ParseInt(field, 10, 64)
		if err != nil || id <= 0 {
			return Moderators{}, fmt.Errorf("%s: %q is not a Telegram user id", EnvModerators, field)
		}
		m.ids[id] = true
	}
	return m, nil
}

// NewModerators allows ids.
func NewModerators(ids ...int64) Moderators {
	m := Moderators{ids: map[int64]bool{}}
	for _, id := range ids {
		m.ids[id] = true
	}
	return m
}

// Allowed reports whether user may act as a moderator.
func (m Moderators) Allowed(user int64) bool { return m.ids[user] }

// IDs returns the moderators, sorted.
func (m Moderators) IDs() []int64 {
	ids := make([]int64, 0, len(m.ids))
	for id := range m.ids {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
